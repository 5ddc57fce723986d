using System.Net;
using System.Text.RegularExpressions;

namespace Facade.Testing;

public sealed partial class OAuthTestClient
{
    /// <summary>
    /// Opens a page in the browser (login, consent …) and posts its form back with the page's hidden fields (the
    /// antiforgery token among them); <paramref name="fields"/> are added and win over hidden fields of the same name,
    /// so a test can also tamper with them. Returns the raw answer (redirects are not followed; dispose it).
    /// </summary>
    public async Task<HttpResponseMessage> SubmitPageAsync(string pageUrl, IReadOnlyDictionary<string, string> fields, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fields);
        using var page = await Browser.GetAsync(pageUrl, cancellationToken);
        if (page.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {pageUrl} gave {(int)page.StatusCode}, not a page with a form.");
        }

        var html = await page.Content.ReadAsStringAsync(cancellationToken);
        var form = new Dictionary<string, string>(fields, StringComparer.Ordinal);
        foreach (Match hidden in HiddenInput().Matches(html))
        {
            form.TryAdd(WebUtility.HtmlDecode(hidden.Groups["name"].Value), WebUtility.HtmlDecode(hidden.Groups["value"].Value));
        }

        return await Browser.PostAsync(pageUrl, new FormUrlEncodedContent(form), cancellationToken);
    }

    /// <summary>Signs the browser in on <c>/account/login</c> with <see cref="UserName"/> and <see cref="Password"/>.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string returnUrl = "/", IReadOnlyDictionary<string, string>? extraFields = null, CancellationToken cancellationToken = default)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal) { ["UserName"] = UserName, ["Password"] = Password };
        foreach (var (name, value) in extraFields ?? new Dictionary<string, string>())
        {
            fields[name] = value;
        }

        return await SubmitPageAsync("account/login?ReturnUrl=" + Uri.EscapeDataString(returnUrl), fields, cancellationToken);
    }
}
