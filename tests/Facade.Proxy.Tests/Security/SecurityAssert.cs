using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Facade.Proxy.Tests.Security;

/// <summary>
/// Assertions every negative case shares: the documented status and JSON error shape, a parsed
/// <c>WWW-Authenticate</c> challenge, and a body that leaks nothing (no stack trace, no exception names, no secrets).
/// </summary>
internal static partial class SecurityAssert
{
    /// <summary>Words and shapes that only appear in a body when internals escape.</summary>
    private static readonly string[] LeakMarkers =
    [
        "Exception", "StackTrace", "stack trace", "System.", "Microsoft.", "Facade.Proxy", "SQLite", "Sqlite", "Data Source=",
        "-----BEGIN", "demo-password", "/tmp/", "facade-test-", "<!DOCTYPE", "<html",
    ];

    /// <summary>Checks status, JSON content type, the <c>error</c> code and leaks; returns the body.</summary>
    public static async Task<JsonElement> JsonErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error, params string[] secrets)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"Expected {(int)status} but got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        NoLeak(text, secrets);
        var json = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(JsonValueKind.Object, json.ValueKind);
        Assert.True(json.TryGetProperty("error", out var code), $"No 'error' member in {text}");
        Assert.Equal(error, code.GetString());
        return json;
    }

    /// <summary>Fails when <paramref name="body"/> shows a stack trace, an exception, internals or one of <paramref name="secrets"/>.</summary>
    public static void NoLeak(string body, params IEnumerable<string?> secrets)
    {
        foreach (var marker in LeakMarkers)
        {
            Assert.False(body.Contains(marker, StringComparison.Ordinal), $"The body leaks '{marker}': {Truncate(body)}");
        }

        Assert.False(StackFrame().IsMatch(body), $"The body contains a stack frame: {Truncate(body)}");
        foreach (var secret in secrets)
        {
            if (!string.IsNullOrEmpty(secret))
            {
                Assert.False(body.Contains(secret, StringComparison.Ordinal), $"The body leaks a secret: {Truncate(body)}");
            }
        }
    }

    /// <summary>The single <c>WWW-Authenticate</c> challenge of a response: scheme and parameters.</summary>
    public static Challenge SingleChallenge(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("WWW-Authenticate", out var values), "No WWW-Authenticate header.");
        var raw = Assert.Single(values);
        var space = raw.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space < 0 ? raw : raw[..space];
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (Match match in ChallengeParameter().Matches(space < 0 ? "" : raw[space..]))
        {
            var value = match.Groups["quoted"].Success
                ? Regex.Replace(match.Groups["quoted"].Value, @"\\(.)", "$1")
                : match.Groups["token"].Value;
            Assert.True(parameters.TryAdd(match.Groups["name"].Value, value), $"Parameter '{match.Groups["name"].Value}' repeated in: {raw}");
        }

        return new Challenge(raw, scheme, parameters);
    }

    private static string Truncate(string body) => body.Length <= 500 ? body : body[..500] + "…";

    [GeneratedRegex(@"\bat [\w.`<>]+\.[\w<>]+\(|\bin /[\w/.]+:line \d+")]
    private static partial Regex StackFrame();

    [GeneratedRegex("""(?<name>[A-Za-z_][\w-]*)=(?:"(?<quoted>(?:[^"\\]|\\.)*)"|(?<token>[^\s,"]+))""")]
    private static partial Regex ChallengeParameter();
}

internal sealed record Challenge(string Raw, string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? this[string name] => Parameters.TryGetValue(name, out var value) ? value : null;
}
