using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Users;

[Collection(ConfiguredIdentityCollection.Name)]
public sealed class ConfiguredIdentityTests(ConfiguredIdentityFixture app)
{
    [Fact]
    public async Task The_initial_user_signs_in_and_owns_the_initial_organization()
    {
        var browser = new WebClient(app.Host);
        (await browser.SignInAsync(app.InitEmail, ConfiguredIdentityFixture.InitPassword)).Status.ShouldBe(200);
        var org = (await browser.GetAsync("/api/app/auth/session")).Body.GetProperty("organizations").EnumerateArray().Single();
        org.GetProperty("id").GetString().ShouldBe(app.OrgId);
        org.GetProperty("role").GetString().ShouldBe("OWNER");
        org.GetProperty("projects")[0].GetProperty("name").GetString().ShouldBe("Initial project");
    }

    [Fact]
    public async Task Over_https_the_session_cookie_is_secure_and_host_only()
    {
        var browser = new WebClient(app.Host);
        (await browser.SignInAsync(app.InitEmail, ConfiguredIdentityFixture.InitPassword)).Status.ShouldBe(200);
        var cookie = browser.LastSetCookies.Single(c => c.StartsWith("__Host-langfuse.session-token="));
        cookie.ShouldContain("secure", Case.Insensitive);
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldNotContain("domain=", Case.Insensitive);
    }

    [Fact]
    public async Task With_sign_up_disabled_only_an_invited_email_gets_an_account()
    {
        var (status, body) = await new WebClient(app.Host).PostAsync("/api/app/auth/sign-up", new { email = WebClient.NewEmail(), name = "X", password = WebClient.Password });
        status.ShouldBe(403);
        body.GetProperty("message").GetString()!.ShouldContain("AUTH_DISABLE_SIGNUP");

        var owner = new WebClient(app.Host);
        await owner.SignInAsync(app.InitEmail, ConfiguredIdentityFixture.InitPassword);
        var invited = WebClient.NewEmail();
        var (inviteStatus, invitation) = await owner.PostAsync($"/api/app/organizations/{app.OrgId}/members", new { email = invited, role = "MEMBER" });
        inviteStatus.ShouldBe(201);
        invitation.GetProperty("invitation").GetProperty("link").GetString()!.ShouldStartWith("https://langfuse.example.test/auth/invitation/");
        await new WebClient(app.Host).SignUpAsync(invited);
    }
}
