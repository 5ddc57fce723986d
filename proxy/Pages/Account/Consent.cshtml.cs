using Facade.Common;
using Facade.Proxy.AuthorizationServer;
using Facade.Proxy.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Facade.Proxy.Pages.Account;

/// <summary>
/// Shows what a client asks for in plain words. Allowing stores a permanent authorization for user + client + scopes,
/// so the next identical request skips this page; the user can withdraw it on the connected-apps page.
/// </summary>
[Authorize(AuthenticationSchemes = "Identity.Application")]
public sealed class ConsentModel(
    UserManager<FacadeUser> users,
    IOpenIddictApplicationManager applications,
    IOpenIddictAuthorizationManager authorizations,
    ClaimsFactory claims) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string ReturnUrl { get; set; } = "";

    public string ClientName { get; private set; } = "";

    public string RedirectHost { get; private set; } = "";

    public IReadOnlyList<(string Name, string Description)> Scopes { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var request = await ReadRequestAsync();
        if (request is null)
        {
            return BadRequest();
        }

        ClientName = request.Value.ClientName;
        RedirectHost = request.Value.RedirectHost;
        Scopes = request.Value.Scopes.Select(s => (s, ScopeCatalog.Describe(s))).ToList();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? decision)
    {
        var request = await ReadRequestAsync();
        if (request is null)
        {
            return BadRequest();
        }

        if (decision != "allow")
        {
            return LocalRedirect(ReturnUrl + "&" + AuthorizationEndpoints.ConsentDeniedParameter + "=denied");
        }

        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        var principal = claims.Create(user, request.Value.Scopes);
        await authorizations.CreateAsync(principal, user.Id, request.Value.ApplicationId, AuthorizationTypes.Permanent,
            [.. request.Value.Scopes], HttpContext.RequestAborted);
        return LocalRedirect(ReturnUrl);
    }

    /// <summary>Reads client and scopes back out of the authorize URL; only our own authorize endpoint is accepted.</summary>
    private async Task<(string ApplicationId, string ClientName, string RedirectHost, string[] Scopes)?> ReadRequestAsync()
    {
        if (string.IsNullOrEmpty(ReturnUrl) || !ReturnUrl.StartsWith("/oauth/authorize?", StringComparison.Ordinal) || !Url.IsLocalUrl(ReturnUrl))
        {
            return null;
        }

        var query = QueryHelpers.ParseQuery(ReturnUrl[ReturnUrl.IndexOf('?', StringComparison.Ordinal)..]);
        var clientId = query.TryGetValue(Parameters.ClientId, out var id) ? id.ToString() : null;
        var application = string.IsNullOrEmpty(clientId) ? null : await applications.FindByClientIdAsync(clientId, HttpContext.RequestAborted);
        if (application is null)
        {
            return null;
        }

        var scopes = (query.TryGetValue(Parameters.Scope, out var scope) ? scope.ToString() : "")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(ScopeCatalog.IsKnown)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        var redirect = query.TryGetValue(Parameters.RedirectUri, out var uri) && Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
            ? parsed.Authority
            : "";
        var name = await applications.GetDisplayNameAsync(application, HttpContext.RequestAborted) ?? clientId!;
        var applicationId = await applications.GetIdAsync(application, HttpContext.RequestAborted);
        return (applicationId!, name, redirect, scopes);
    }
}
