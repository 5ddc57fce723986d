using System.Net;
using System.Net.Http.Headers;
using Facade.Bench.Servers;

namespace Facade.Bench.Scenarios;

/// <summary>
/// Before anything is measured, every server must answer the benchmark request correctly, and the authenticating
/// ones must refuse what they should: no token 401, a forged signature 401, a token without the scope 403.
/// </summary>
internal static class Sanity
{
    public const string TasksPath = "/api/tasks";

    public static async Task<List<string>> CheckAsync(IEnumerable<ServerProcess> plain, IEnumerable<ServerProcess> authenticating, EdgeTokens tokens)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(10) };
        var problems = new List<string>();
        var forged = tokens.Forged(1)[0];
        foreach (var server in plain.Concat(authenticating))
        {
            await ExpectAsync(client, server, tokens.Access, HttpStatusCode.OK, problems, body => body.Contains("\"items\"", StringComparison.Ordinal));
        }

        foreach (var server in authenticating)
        {
            await ExpectAsync(client, server, null, HttpStatusCode.Unauthorized, problems);
            await ExpectAsync(client, server, forged, HttpStatusCode.Unauthorized, problems);
            await ExpectAsync(client, server, tokens.NoScopeAccess, HttpStatusCode.Forbidden, problems);
        }

        return problems;
    }

    private static async Task ExpectAsync(HttpClient client, ServerProcess server, string? token, HttpStatusCode expected, List<string> problems,
        Func<string, bool>? bodyCheck = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUrl, TasksPath));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var what = token is null ? "without a token" : $"with a {(expected == HttpStatusCode.OK ? "valid" : "bad")} token";
        try
        {
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != expected || (bodyCheck is not null && !bodyCheck(body)))
            {
                problems.Add($"{server.Name}: GET {TasksPath} {what} answered {(int)response.StatusCode}, expected {(int)expected}: {Shorten(body)}");
            }
        }
        catch (HttpRequestException exception)
        {
            problems.Add($"{server.Name}: GET {TasksPath} {what} failed: {exception.Message}");
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
