using Facade.Proxy.Audit;
using Facade.Proxy.AuthorizationServer;
using Facade.Proxy.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Facade.Proxy.Pages.Account.Manage;

/// <summary>Lists the user's remembered consents and withdraws them: the grant and every token issued under it.</summary>
internal sealed class ConsentsModel(
    UserManager<FacadeUser> users,
    IOpenIddictApplicationManager applications,
    IOpenIddictAuthorizationManager authorizations,
    IOpenIddictTokenManager tokens,
    RememberedConsents consents,
    AuditLog audit) : PageModel
{
    public IReadOnlyList<Grant> Grants { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        var grants = new List<Grant>();
        if (user is not null)
        {
            await foreach (var authorization in authorizations.FindBySubjectAsync(user.Id, HttpContext.RequestAborted))
            {
                if (!await authorizations.HasStatusAsync(authorization, Statuses.Valid, HttpContext.RequestAborted)
                    || !await authorizations.HasTypeAsync(authorization, AuthorizationTypes.Permanent, HttpContext.RequestAborted))
                {
                    continue;
                }

                var applicationId = await authorizations.GetApplicationIdAsync(authorization, HttpContext.RequestAborted);
                var application = applicationId is null ? null : await applications.FindByIdAsync(applicationId, HttpContext.RequestAborted);
                var clientId = application is null ? "" : await applications.GetClientIdAsync(application, HttpContext.RequestAborted) ?? "";
                var name = application is null ? clientId : await applications.GetDisplayNameAsync(application, HttpContext.RequestAborted) ?? clientId;
                var redirectUri = await consents.RedirectUriAsync(authorization, HttpContext.RequestAborted);
                grants.Add(new Grant(
                    (await authorizations.GetIdAsync(authorization, HttpContext.RequestAborted))!,
                    clientId,
                    name,
                    redirectUri is null ? null : RedirectDestination.DescribeRegistered(redirectUri),
                    await authorizations.GetScopesAsync(authorization, HttpContext.RequestAborted)));
            }
        }

        Grants = grants;
    }

    public async Task<IActionResult> OnPostAsync(string authorizationId)
    {
        var user = await users.GetUserAsync(User);
        var authorization = string.IsNullOrEmpty(authorizationId) ? null : await authorizations.FindByIdAsync(authorizationId, HttpContext.RequestAborted);
        if (user is null || authorization is null
            || await authorizations.GetSubjectAsync(authorization, HttpContext.RequestAborted) != user.Id)
        {
            return NotFound();
        }

        await authorizations.TryRevokeAsync(authorization, HttpContext.RequestAborted);
        await tokens.RevokeByAuthorizationIdAsync(authorizationId, HttpContext.RequestAborted);
        audit.ConsentWithdrawn(user.Id, authorizationId);

        // Back to the address the form was posted to: this page also serves the console's /console/consents.
        return LocalRedirect(Request.PathBase + Request.Path);
    }

    /// <param name="RedirectHost">Where the consent lets the app send the user back to (null for consents recorded before it was kept).</param>
    public sealed record Grant(string AuthorizationId, string ClientId, string ClientName, string? RedirectHost, IReadOnlyCollection<string> Scopes);
}
