using System.Text.Json;
using Alba;

namespace Langfuse.Tests.Infrastructure;

public static class Scenarios
{
    /// <summary>Sends a request with the project's Basic credentials and returns status and parsed JSON body.</summary>
    public static async Task<(int Status, JsonElement Body)> SendAsync(this IAlbaHost host, TestProject? project, HttpMethod method, string url, object? json = null)
    {
        var result = await host.Scenario(s =>
        {
            if (method == HttpMethod.Get) s.Get.Url(url);
            else if (method == HttpMethod.Post) { if (json is null) s.Post.Url(url); else s.Post.Json(json).ToUrl(url); }
            else if (method == HttpMethod.Delete) { if (json is null) s.Delete.Url(url); else s.Delete.Json(json).ToUrl(url); }
            else if (method == HttpMethod.Patch) s.Patch.Json(json!).ToUrl(url);
            else if (method == HttpMethod.Put) s.Put.Json(json!).ToUrl(url);
            if (project is not null) s.WithRequestHeader("Authorization", project.BasicAuth);
            s.IgnoreStatusCode();
        });
        var text = await result.ReadAsTextAsync();
        var body = text.Length == 0 ? default : JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 512 }).RootElement.Clone();
        return (result.Context.Response.StatusCode, body);
    }

    public static Task<(int Status, JsonElement Body)> GetAsync(this IAlbaHost host, TestProject? project, string url) =>
        host.SendAsync(project, HttpMethod.Get, url);
}
