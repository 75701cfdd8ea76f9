using System.Net;
using System.Text.Json;
using Alba;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Langfuse.Tests.Infrastructure;

/// <summary>
/// A browser's view of the web app's feature endpoints: keeps the cookies the service sets, fetches and sends the
/// CSRF token, and comes from a client address of its own (so sign-in limits per address do not mix test classes).
/// </summary>
public sealed class WebClient(IAlbaHost host)
{
    readonly Dictionary<string, string> _cookies = new();
    string? _csrf;

    public string Address { get; } = $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";
    public string? UserId { get; private set; }
    public string? Email { get; private set; }
    public IReadOnlyDictionary<string, string> Cookies => _cookies;
    /// <summary>The raw Set-Cookie headers of the last response.</summary>
    public IReadOnlyList<string> LastSetCookies { get; private set; } = [];

    public static string NewEmail() => $"u{Guid.NewGuid():N}@example.test";
    public const string Password = "correct horse 1!";

    public async Task<WebClient> SignUpAsync(string? email = null, string name = "Test User", string password = Password)
    {
        var (status, body) = await PostAsync("/api/app/auth/sign-up", new { email = email ?? NewEmail(), name, password });
        status.ShouldBe(201, body.ToString());
        Remember(body);
        return this;
    }

    public async Task<(int Status, JsonElement Body)> SignInAsync(string email, string password = Password)
    {
        var result = await PostAsync("/api/app/auth/sign-in", new { email, password });
        if (result.Status == 200) Remember(result.Body);
        return result;
    }

    void Remember(JsonElement body)
    {
        UserId = body.GetProperty("user").GetProperty("id").GetString();
        Email = body.GetProperty("user").GetProperty("email").GetString();
        _csrf = null; // bound to the previous (anonymous) identity
    }

    public async Task<string> CsrfTokenAsync()
    {
        if (_csrf is not null) return _csrf;
        var (status, body) = await SendAsync(HttpMethod.Get, "/api/app/auth/csrf", null, withCsrf: false);
        status.ShouldBe(200);
        return _csrf = body.GetProperty("csrfToken").GetString()!;
    }

    public void ForgetCsrfToken() => _csrf = null;

    public void SetCookie(string name, string value) => _cookies[name] = value;

    public Task<(int Status, JsonElement Body)> GetAsync(string url) => SendAsync(HttpMethod.Get, url);
    public Task<(int Status, JsonElement Body)> PostAsync(string url, object? json = null) => SendAsync(HttpMethod.Post, url, json ?? new { });
    public Task<(int Status, JsonElement Body)> PutAsync(string url, object json) => SendAsync(HttpMethod.Put, url, json);
    public Task<(int Status, JsonElement Body)> PatchAsync(string url, object json) => SendAsync(HttpMethod.Patch, url, json);
    public Task<(int Status, JsonElement Body)> DeleteAsync(string url) => SendAsync(HttpMethod.Delete, url);

    public async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string url, object? json = null, bool withCsrf = true, string? csrfToken = null)
    {
        var token = withCsrf && method != HttpMethod.Get ? csrfToken ?? await CsrfTokenAsync() : null;
        var result = await host.Scenario(s =>
        {
            if (method == HttpMethod.Get) s.Get.Url(url);
            else if (method == HttpMethod.Post) s.Post.Json(json!).ToUrl(url);
            else if (method == HttpMethod.Put) s.Put.Json(json!).ToUrl(url);
            else if (method == HttpMethod.Patch) s.Patch.Json(json!).ToUrl(url);
            else if (method == HttpMethod.Delete) { if (json is null) s.Delete.Url(url); else s.Delete.Json(json).ToUrl(url); }
            if (_cookies.Count > 0) s.WithRequestHeader("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
            if (token is not null) s.WithRequestHeader("x-csrf-token", token);
            s.WithRequestHeader(TestClientAddress.Header, Address);
            s.IgnoreStatusCode();
        });
        var setCookies = result.Context.Response.Headers.SetCookie.Select(c => c!).ToList();
        LastSetCookies = setCookies;
        foreach (var cookie in setCookies)
        {
            var pair = cookie.Split(';')[0];
            var eq = pair.IndexOf('=');
            var (name, value) = (pair[..eq], pair[(eq + 1)..]);
            if (value.Length == 0 || cookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)) _cookies.Remove(name);
            else _cookies[name] = value;
        }
        var text = await result.ReadAsTextAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (result.Context.Response.StatusCode, body);
    }

    /// <summary>A second browser holding a copy of this one's cookies (a stolen or shared session).</summary>
    public WebClient Copy()
    {
        var copy = new WebClient(host) { UserId = UserId, Email = Email };
        foreach (var (k, v) in _cookies) copy._cookies[k] = v;
        return copy;
    }
}

/// <summary>Test-only: TestServer has no client address; this takes it from a header the WebClient sends.</summary>
sealed class TestClientAddress : IStartupFilter
{
    public const string Header = "X-Test-Client-Address";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.Headers.TryGetValue(Header, out var address) && IPAddress.TryParse(address, out var ip))
                context.Connection.RemoteIpAddress = ip;
            return nextMiddleware(context);
        });
        next(app);
    };
}
