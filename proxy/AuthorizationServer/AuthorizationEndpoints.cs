using System.Collections.Immutable;
using System.Security.Claims;
using Facade.Common;
using Facade.Proxy.ApiKeys;
using Facade.Proxy.Account;
using Facade.Proxy.AuthorizationServer;
using Facade.Proxy.Data;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The passthrough handlers of OpenIddict's authorize, token and userinfo endpoints.</summary>
internal static class AuthorizationEndpoints
{
    /// <summary>Set by the consent page when the user declined; the authorize endpoint then answers access_denied.</summary>
    public const string ConsentDeniedParameter = "facade_consent";

    public static IEndpointRouteBuilder MapAuthorizationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/oauth/authorize", [HttpMethods.Get, HttpMethods.Post], AuthorizeAsync).DisableAntiforgery();
        app.MapPost("/oauth/token", ExchangeAsync).DisableAntiforgery();
        app.MapMethods("/oauth/userinfo", [HttpMethods.Get, HttpMethods.Post], UserInfoAsync).DisableAntiforgery();
        return app;
    }

    public static async Task<IResult> AuthorizeAsync(HttpContext http, [AsParameters] AuthorizeServices services)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict server request cannot be retrieved.");

        if (request.GetParameter(ConsentDeniedParameter)?.ToString() == "denied")
        {
            return Forbid(Errors.AccessDenied, "The user declined the authorization request.");
        }

        var returnUrl = AuthorizeReturnUrl(request);
        var session = await services.Session.ReadAsync(http);
        var user = session?.User;
        var signedIn = AuthenticationTime.Of(session?.Principal);
        if (user is null || request.HasPromptValue(PromptValues.Login) || MaxAgeExceeded(request, signedIn, services.Time.GetUtcNow()))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Forbid(Errors.LoginRequired, "The user is not signed in.");
            }

            return Results.Challenge(new AuthenticationProperties { RedirectUri = returnUrl }, [IdentityConstants.ApplicationScheme]);
        }

        var application = await services.Applications.FindByClientIdAsync(request.ClientId!, http.RequestAborted)
            ?? throw new InvalidOperationException("The client application cannot be found.");
        var applicationId = (await services.Applications.GetIdAsync(application, http.RequestAborted))!;
        var redirectUri = await RegisteredRedirectUriAsync(request, application, services.Applications, http.RequestAborted);
        // Scopes the user may not hold (FacadeUser.AllowedScopes) are dropped from what is granted, not refused; the
        // consent page shows and marks the same reduced set.
        var scopes = ScopeAllowance.Filter(user, request.GetScopes()).ToImmutableArray();

        // Consent is remembered per user + client + registered redirect URI + scopes, and recorded here, once OpenIddict
        // has validated the request, from the marker the consent page's "allow" sent back (ConsentMarkers).
        object? authorization = null;
        if (services.Markers.Read(SingleValue(request, ConsentMarkers.Parameter)) is { } marker
            && marker.Covers(user.Id, request.ClientId!, redirectUri, scopes)
            && !await services.Consents.WasRecordedAsync(user.Id, applicationId, marker, http.RequestAborted))
        {
            authorization = await services.Consents.RecordAsync(services.Claims.Create(user, scopes), user.Id, applicationId, redirectUri, scopes, marker, http.RequestAborted);
        }
        else if (!request.HasPromptValue(PromptValues.Consent))
        {
            authorization = await services.Consents.FindAsync(user.Id, applicationId, redirectUri, scopes, http.RequestAborted);

            // First-party clients configured with implicit consent are trusted: their grant is recorded without asking,
            // unless it includes a scope the user must always see (keys:write).
            if (authorization is null && !scopes.Any(ScopeCatalog.NeverGrantedSilently.Contains)
                && await services.Applications.HasConsentTypeAsync(application, ConsentTypes.Implicit, http.RequestAborted))
            {
                authorization = await services.Consents.RecordAsync(services.Claims.Create(user, scopes), user.Id, applicationId, redirectUri, scopes, marker: null, http.RequestAborted);
            }
        }

        if (authorization is null)
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Forbid(Errors.ConsentRequired, "The user has not consented to this client and these scopes.");
            }

            return Results.Redirect("/account/consent?returnUrl=" + Uri.EscapeDataString(returnUrl));
        }

        var principal = services.Claims.Create(user, scopes, signedIn);
        principal.SetAuthorizationId(await services.Authorizations.GetIdAsync(authorization, http.RequestAborted));
        return Results.SignIn(principal, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    public static async Task<IResult> ExchangeAsync(HttpContext http, [AsParameters] AuthorizeServices services, RefreshTokenRedemption redemptions)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict server request cannot be retrieved.");
        if (!request.IsAuthorizationCodeGrantType() && !request.IsRefreshTokenGrantType())
        {
            return Forbid(Errors.UnsupportedGrantType, "The grant type is not supported.");
        }

        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var grant = result.Principal ?? throw new InvalidOperationException("The validated grant has no principal.");
        var subject = grant.GetClaim(Claims.Subject);
        var user = subject is null ? null : await services.Users.FindByIdAsync(subject);

        // A locked user, or one whose security stamp changed since the grant (new password, lock, sign-out
        // everywhere), keeps nothing: stolen codes and refresh tokens die with the stamp.
        if (user is null || !await services.SignIn.CanSignInAsync(user) || await services.Users.IsLockedOutAsync(user)
            || !ClaimsFactory.HasCurrentSecurityStamp(grant, user))
        {
            return Forbid(Errors.InvalidGrant, "The user behind this grant can no longer sign in.");
        }

        if (request.IsRefreshTokenGrantType())
        {
            var redemption = await redemptions.RedeemAsync(grant, http.RequestAborted);
            switch (redemption.Outcome)
            {
                case RedemptionOutcome.Replay:
                    http.Response.Headers.CacheControl = "no-store";
                    http.Response.Headers.Pragma = "no-cache";
                    return Results.Content(redemption.ReplayedResponse, "application/json;charset=UTF-8");

                case RedemptionOutcome.Reused:
                    return Forbid(Errors.InvalidGrant, "The refresh token has already been used.");
            }
        }

        // Keep OpenIddict's internal claims (scopes, authorization id, presenters) and refresh the user's own claims.
        var identity = new ClaimsIdentity(grant.Claims, TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        services.Claims.Refresh(identity, user);

        // A refresh keeps only what the user may still hold (an operator may have lowered it since the grant).
        identity.SetScopes(ScopeAllowance.Filter(user, identity.GetScopes()));
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    public static async Task<IResult> UserInfoAsync(HttpContext http, [AsParameters] AuthorizeServices services)
    {
        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var subject = result.Principal?.GetClaim(Claims.Subject);
        var user = subject is null ? null : await services.Users.FindByIdAsync(subject);
        if (user is null)
        {
            return Results.Challenge(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The token no longer belongs to a user.",
            }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var claims = new Dictionary<string, object?>(StringComparer.Ordinal) { [Claims.Subject] = user.Id };
        var principal = result.Principal!;
        if (principal.HasScope(Scopes.Profile))
        {
            claims[Claims.Name] = user.DisplayName ?? user.UserName;
            claims[Claims.PreferredUsername] = user.UserName;
        }

        if (principal.HasScope(Scopes.Email))
        {
            claims[Claims.Email] = user.Email;
            claims[Claims.EmailVerified] = user.EmailConfirmed;
        }

        return Results.Ok(claims);
    }

    /// <summary>The authorize URL to come back to after login or consent, without prompt so the round trip ends.</summary>
    private static string AuthorizeReturnUrl(OpenIddictRequest request)
    {
        var parameters = request.GetParameters()
            .Where(p => p.Key is not (Parameters.Prompt or Parameters.MaxAge or ConsentDeniedParameter or ConsentMarkers.Parameter))
            .SelectMany(p => ((Microsoft.Extensions.Primitives.StringValues)p.Value).Select(v => KeyValuePair.Create(p.Key, v)));
        return "/oauth/authorize" + QueryString.Create(parameters);
    }

    /// <summary>The registered redirect URI this (validated) request uses: the one it matched, or the only one when it named none.</summary>
    private static async Task<string> RegisteredRedirectUriAsync(OpenIddictRequest request, object application,
        IOpenIddictApplicationManager applications, CancellationToken cancellationToken)
    {
        var registered = await applications.GetRedirectUrisAsync(application, cancellationToken);
        return (string.IsNullOrEmpty(request.RedirectUri) ? registered.SingleOrDefault() : RedirectUriMatching.FindRegistered(registered, request.RedirectUri))
            ?? throw new InvalidOperationException("The validated redirect_uri matches no registered one.");
    }

    private static string? SingleValue(OpenIddictRequest request, string name) =>
        request.GetParameter(name) is { } parameter && ((Microsoft.Extensions.Primitives.StringValues)parameter) is { Count: 1 } values ? values[0] : null;

    /// <summary>
    /// OIDC max_age counts from the sign-in (auth_time), not from the sliding cookie's last renewal; a session that does
    /// not know when it began cannot meet any max_age.
    /// </summary>
    private static bool MaxAgeExceeded(OpenIddictRequest request, DateTimeOffset? signedIn, DateTimeOffset now) =>
        request.MaxAge is { } maxAge && (signedIn is not { } since || now - since > TimeSpan.FromSeconds(maxAge));

    private static IResult Forbid(string error, string description) =>
        Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}

internal sealed class AuthorizeServices(
    UserManager<FacadeUser> users,
    SignInManager<FacadeUser> signIn,
    IOpenIddictApplicationManager applications,
    IOpenIddictAuthorizationManager authorizations,
    ClaimsFactory claims,
    RememberedConsents consents,
    ConsentMarkers markers,
    BrowserSession session,
    TimeProvider time)
{
    public UserManager<FacadeUser> Users { get; } = users;
    public SignInManager<FacadeUser> SignIn { get; } = signIn;
    public IOpenIddictApplicationManager Applications { get; } = applications;
    public IOpenIddictAuthorizationManager Authorizations { get; } = authorizations;
    public ClaimsFactory Claims { get; } = claims;
    public RememberedConsents Consents { get; } = consents;
    public ConsentMarkers Markers { get; } = markers;
    public BrowserSession Session { get; } = session;
    public TimeProvider Time { get; } = time;
}
