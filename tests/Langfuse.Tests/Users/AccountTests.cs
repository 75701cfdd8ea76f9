using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Users;

[Collection(FoundationCollection.Name)]
public sealed class AccountTests(AppFixture app)
{
    WebClient Browser() => new(app.Host);

    [Fact]
    public async Task The_name_can_be_changed()
    {
        var browser = await Browser().SignUpAsync(name: "Old");
        var (status, body) = await browser.PatchAsync("/api/app/account", new { name = "New name" });
        status.ShouldBe(200);
        body.GetProperty("user").GetProperty("name").GetString().ShouldBe("New name");
        (await browser.GetAsync("/api/app/auth/session")).Body.GetProperty("user").GetProperty("name").GetString().ShouldBe("New name");
    }

    [Fact]
    public async Task A_password_change_needs_the_current_password_and_ends_every_other_session()
    {
        var email = WebClient.NewEmail();
        var browser = await Browser().SignUpAsync(email);
        var otherDevice = Browser();
        (await otherDevice.SignInAsync(email)).Status.ShouldBe(200);

        var wrong = await browser.PostAsync("/api/app/account/password", new { currentPassword = "not it 1!", newPassword = "a new secret 2?" });
        wrong.Status.ShouldBe(400);
        wrong.Body.GetProperty("message").GetString()!.ShouldContain("current password");

        (await browser.PostAsync("/api/app/account/password", new { currentPassword = WebClient.Password, newPassword = "short" })).Status.ShouldBe(400);
        (await browser.PostAsync("/api/app/account/password", new { currentPassword = WebClient.Password, newPassword = "a new secret 2?" })).Status.ShouldBe(204);

        (await browser.GetAsync("/api/app/auth/session")).Status.ShouldBe(200);
        (await otherDevice.GetAsync("/api/app/auth/session")).Status.ShouldBe(401);
        (await Browser().SignInAsync(email)).Status.ShouldBe(401);
        (await Browser().SignInAsync(email, "a new secret 2?")).Status.ShouldBe(200);
    }

    [Fact]
    public async Task A_state_change_without_the_csrf_token_is_refused_and_changes_nothing()
    {
        var browser = await Browser().SignUpAsync(name: "Kept");
        var (status, body) = await browser.SendAsync(HttpMethod.Patch, "/api/app/account", new { name = "Forged" }, withCsrf: false);
        status.ShouldBe(403);
        body.GetProperty("message").GetString()!.ShouldContain("CSRF");
        (await browser.GetAsync("/api/app/auth/session")).Body.GetProperty("user").GetProperty("name").GetString().ShouldBe("Kept");
    }

    [Fact]
    public async Task A_csrf_token_of_another_session_is_refused()
    {
        var victim = await Browser().SignUpAsync(name: "Victim");
        var attacker = await Browser().SignUpAsync();
        var attackersToken = await attacker.CsrfTokenAsync();
        var (status, _) = await victim.SendAsync(HttpMethod.Patch, "/api/app/account", new { name = "Forged" }, csrfToken: attackersToken);
        status.ShouldBe(403);
    }

    [Fact]
    public async Task Sign_in_attempts_are_limited_per_account()
    {
        var email = WebClient.NewEmail();
        await Browser().SignUpAsync(email);
        // Each attempt from a different address: only the per-account limit (10 a minute) applies.
        for (var i = 0; i < 10; i++) (await Browser().SignInAsync(email, "wrong password 1!")).Status.ShouldBe(401);
        var (status, body) = await Browser().SignInAsync(email);
        status.ShouldBe(429);
        body.GetProperty("message").GetString()!.ShouldContain("Too many sign-in attempts");
    }

    [Fact]
    public async Task Sign_in_attempts_are_limited_per_client_address()
    {
        var browser = Browser();
        // Thirty attempts a minute from one address, each at a different account.
        for (var i = 0; i < 30; i++) (await browser.SignInAsync(WebClient.NewEmail(), "wrong password 1!")).Status.ShouldBe(401);
        (await browser.SignInAsync(WebClient.NewEmail(), "wrong password 1!")).Status.ShouldBe(429);
    }
}
