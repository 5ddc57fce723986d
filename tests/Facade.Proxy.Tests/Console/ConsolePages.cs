using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Facade.Testing;

namespace Facade.Proxy.Tests.Console;

/// <summary>The console's pages as a browser without script sees them: GET, and posting a page's form with its antiforgery token.</summary>
internal static partial class ConsolePages
{
    public static readonly string[] All =
        ["console", "console/tokens", "console/keys", "console/consents", "console/devices", "console/tools", "console/snippets"];

    public static async Task<string> GetHtmlAsync(OAuthTestClient browser, string path)
    {
        using var response = await browser.Browser.GetAsync(path, TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {html}");
        return html;
    }

    /// <summary>The antiforgery token of a form on <paramref name="path"/> (every form of a page carries the same one).</summary>
    public static async Task<string> AntiforgeryAsync(OAuthTestClient browser, string path)
    {
        var match = AntiforgeryField().Match(await GetHtmlAsync(browser, path));
        Assert.True(match.Success, $"No antiforgery field on {path}");
        return WebUtility.HtmlDecode(match.Groups["value"].Value);
    }

    /// <summary>Posts <paramref name="fields"/> to a page handler, with the page's antiforgery token unless <paramref name="antiforgery"/> is false.</summary>
    public static async Task<HttpResponseMessage> PostAsync(OAuthTestClient browser, string path, string handler, IEnumerable<KeyValuePair<string, string>> fields, bool antiforgery = true)
    {
        var form = fields.ToList();
        if (antiforgery)
        {
            form.Add(new("__RequestVerificationToken", await AntiforgeryAsync(browser, path)));
        }

        return await browser.Browser.PostAsync($"{path}?handler={handler}", new FormUrlEncodedContent(form), TestContext.Current.CancellationToken);
    }

    /// <summary>The jti of an access token (its payload, unchecked: the test made it).</summary>
    public static string JtiOf(string jwt)
    {
        var payload = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
        return JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload))).RootElement.GetProperty("jti").GetString()!;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
