using Facade.Common;
using Facade.Proxy.ApiKeys;
using Facade.Proxy.AuthorizationServer;
using Facade.Proxy.Data;
using Facade.Proxy.Hosting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace Facade.Proxy.Pages.Account;

/// <summary>
/// Shows what a client asks for in plain words, and every place it may send the user back to. The page records
/// nothing: "allow" goes back to the authorize endpoint with a consent marker (<see cref="ConsentMarkers"/>) for this
/// user, client, redirect URI and scopes, and the authorize endpoint records the consent once OpenIddict has validated
/// the request. The user can withdraw it on the connected-apps page.
/// </summary>
[Authorize(AuthenticationSchemes = "Identity.Application")]
internal sealed class ConsentModel(UserManager<FacadeUser> users, PendingAuthorizations pending, ConsentMarkers markers) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string ReturnUrl { get; set; } = "";

    public PendingAuthorization Authorization { get; private set; } = null!;

    public IReadOnlyList<(string Name, string Description)> Scopes { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (await pending.ReadAsync(ReturnUrl, HttpContext.RequestAborted) is not { } request)
        {
            return BadRequest();
        }

        Authorization = request;

        // "Allow" and "Deny" end, through the authorize endpoint's redirect, at the client.
        ContentSecurityPolicy.Of(HttpContext).AllowFormTarget(request.RedirectUri);
        var user = await users.GetUserAsync(User);
        Scopes = (user is null ? request.Scopes : ScopeAllowance.Filter(user, request.Scopes)).Select(s => (s, ScopeCatalog.Describe(s))).ToList();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? decision)
    {
        if (await pending.ReadAsync(ReturnUrl, HttpContext.RequestAborted) is not { } request)
        {
            return BadRequest();
        }

        if (decision != "allow")
        {
            return LocalRedirect(QueryHelpers.AddQueryString(request.AuthorizeUrl, AuthorizationEndpoints.ConsentDeniedParameter, "denied"));
        }

        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        var marker = markers.Issue(user.Id, request.ClientId, request.RegisteredRedirectUri, [.. ScopeAllowance.Filter(user, request.Scopes)]);
        return LocalRedirect(QueryHelpers.AddQueryString(request.AuthorizeUrl, ConsentMarkers.Parameter, marker));
    }
}
