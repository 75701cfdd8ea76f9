using Langfuse.Tests.Infrastructure;

namespace Langfuse.Tests.Users;

[Collection(FoundationCollection.Name)]
public sealed class SignInTests(AppFixture app)
{
    WebClient Browser() => new(app.Host);

    [Fact]
    public async Task Sign_up_signs_in_and_the_session_names_the_user()
    {
        var email = WebClient.NewEmail();
        var browser = await Browser().SignUpAsync(email.ToUpperInvariant(), "Ada");
        var (status, body) = await browser.GetAsync("/api/app/auth/session");
        status.ShouldBe(200);
        body.GetProperty("user").GetProperty("email").GetString().ShouldBe(email);
        body.GetProperty("user").GetProperty("name").GetString().ShouldBe("Ada");
        body.GetProperty("organizations").GetArrayLength().ShouldBe(0);
        body.ToString().ShouldNotContain("password", Case.Insensitive);
    }

    [Fact]
    public async Task The_session_cookie_is_http_only_same_site_and_names_no_user()
    {
        var browser = await Browser().SignUpAsync();
        var cookie = browser.LastSetCookies.Single(c => c.StartsWith("langfuse.session-token="));
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=lax", Case.Insensitive);
        cookie.ShouldContain("path=/", Case.Insensitive);
        cookie.ShouldNotContain(browser.UserId!);
        cookie.ShouldNotContain(browser.Email!);
    }

    [Fact]
    public async Task Without_a_session_feature_endpoints_answer_401_in_json()
    {
        var (status, body) = await Browser().GetAsync("/api/app/auth/session");
        status.ShouldBe(401);
        body.GetProperty("message").GetString().ShouldBe("Sign in first");
    }

    [Fact]
    public async Task A_duplicate_email_is_refused_with_409()
    {
        var email = WebClient.NewEmail();
        await Browser().SignUpAsync(email);
        var (status, body) = await Browser().PostAsync("/api/app/auth/sign-up", new { email, name = "Other", password = WebClient.Password });
        status.ShouldBe(409);
        body.GetProperty("message").GetString()!.ShouldContain("already exists");
    }

    [Theory]
    [InlineData("short1!", "at least 8")]
    [InlineData("longenoughbutnodigit!", "letter, a digit and a symbol")]
    [InlineData("longenough1234", "letter, a digit and a symbol")]
    [InlineData("12345678!", "letter, a digit and a symbol")]
    public async Task A_weak_password_is_refused_naming_the_rule(string password, string rule)
    {
        var (status, body) = await Browser().PostAsync("/api/app/auth/sign-up", new { email = WebClient.NewEmail(), name = "W", password });
        status.ShouldBe(400);
        body.GetProperty("message").GetString()!.ShouldContain(rule);
    }

    [Fact]
    public async Task A_malformed_sign_up_is_a_validation_400_naming_the_fields()
    {
        var (status, body) = await Browser().PostAsync("/api/app/auth/sign-up", new { email = "not-an-email", name = "", password = "" });
        status.ShouldBe(400);
        var paths = body.GetProperty("error").EnumerateArray().Select(e => e.GetProperty("path")[0].GetString()).ToList();
        paths.ShouldContain("email");
        paths.ShouldContain("name");
        paths.ShouldContain("password");
    }

    [Fact]
    public async Task Sign_in_failures_do_not_reveal_whether_the_email_exists()
    {
        var email = WebClient.NewEmail();
        await Browser().SignUpAsync(email);
        var wrongPassword = await Browser().SignInAsync(email, "wrong password 1!");
        var unknownEmail = await Browser().SignInAsync(WebClient.NewEmail(), "wrong password 1!");
        wrongPassword.Status.ShouldBe(401);
        unknownEmail.Status.ShouldBe(401);
        wrongPassword.Body.ToString().ShouldBe(unknownEmail.Body.ToString());
    }

    [Fact]
    public async Task Sign_in_rotates_the_session_cookie_and_ends_the_previous_session()
    {
        var email = WebClient.NewEmail();
        var browser = await Browser().SignUpAsync(email);
        var before = browser.Copy();
        (await browser.SignInAsync(email)).Status.ShouldBe(200);
        browser.Cookies["langfuse.session-token"].ShouldNotBe(before.Cookies["langfuse.session-token"]);
        (await browser.GetAsync("/api/app/auth/session")).Status.ShouldBe(200);
        (await before.GetAsync("/api/app/auth/session")).Status.ShouldBe(401);
    }

    [Fact]
    public async Task Sign_out_ends_the_session_on_the_server_not_only_in_the_browser()
    {
        var browser = await Browser().SignUpAsync();
        var stolen = browser.Copy();
        (await browser.PostAsync("/api/app/auth/sign-out")).Status.ShouldBe(204);
        (await browser.GetAsync("/api/app/auth/session")).Status.ShouldBe(401);
        (await stolen.GetAsync("/api/app/auth/session")).Status.ShouldBe(401);
    }

    [Fact]
    public async Task A_session_survives_a_restart_of_the_service()
    {
        var browser = await Browser().SignUpAsync();
        // A second host on the same stores stands in for the restarted (or another) instance: keys and sessions are in Postgres.
        await using var other = await app.StartInstanceAsync();
        var there = new WebClient(other);
        foreach (var (k, v) in browser.Cookies) there.SetCookie(k, v);
        (await there.GetAsync("/api/app/auth/session")).Status.ShouldBe(200);
    }
}
