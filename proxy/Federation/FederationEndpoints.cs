using Facade.Proxy.Data;
using Facade.Proxy.Federation;
using Facade.Common;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Client.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Microsoft.AspNetCore.Builder;

internal static partial class FederationEndpoints
{
    public static IEndpointRouteBuilder MapFederationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/account/external/upstream", Challenge);
        app.MapMethods("/account/callback/upstream", [HttpMethods.Get, HttpMethods.Post], CallbackAsync).DisableAntiforgery();
        return app;
    }

    public static IResult Challenge(string? returnUrl, IOptions<UpstreamOptions> upstream)
    {
        if (!upstream.Value.IsConfigured)
        {
            return JsonErrors.Result(StatusCodes.Status404NotFound, "not_found", "No upstream identity provider is configured.");
        }

        var properties = new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictClientAspNetCoreConstants.Properties.ProviderName] = UpstreamOptions.ProviderName,
        })
        {
            RedirectUri = IsLocal(returnUrl) ? returnUrl : "/",
        };
        return Results.Challenge(properties, [OpenIddictClientAspNetCoreDefaults.AuthenticationScheme]);
    }

    public static async Task<IResult> CallbackAsync(
        HttpContext http,
        UserManager<FacadeUser> users,
        SignInManager<FacadeUser> signIn,
        ILoggerFactory loggers)
    {
        var result = await http.AuthenticateAsync(OpenIddictClientAspNetCoreDefaults.AuthenticationScheme);
        var subject = result.Principal?.GetClaim(Claims.Subject);
        if (!result.Succeeded || string.IsNullOrEmpty(subject))
        {
            return JsonErrors.Result(StatusCodes.Status400BadRequest, "access_denied", "The upstream sign-in did not complete.");
        }

        var user = await users.FindByLoginAsync(UpstreamOptions.ProviderName, subject);
        if (user is null)
        {
            var name = result.Principal!.GetClaim(Claims.PreferredUsername) ?? result.Principal.GetClaim(Claims.Name) ?? subject;
            user = new FacadeUser
            {
                UserName = $"{UpstreamOptions.ProviderName}:{subject}",
                DisplayName = name,
                Email = result.Principal.GetClaim(Claims.Email),
            };
            var created = await users.CreateAsync(user);
            if (created.Succeeded)
            {
                created = await users.AddLoginAsync(user, new UserLoginInfo(UpstreamOptions.ProviderName, subject, UpstreamOptions.ProviderName));
            }

            if (!created.Succeeded)
            {
                LogLinkFailed(loggers.CreateLogger("Facade.Federation"), string.Join("; ", created.Errors.Select(e => e.Code)));
                return JsonErrors.Result(StatusCodes.Status500InternalServerError, "server_error", "The upstream account could not be linked.");
            }
        }

        await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: UpstreamOptions.ProviderName);
        var returnUrl = result.Properties?.RedirectUri;
        return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/");
    }

    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));

    [LoggerMessage(Level = LogLevel.Error, Message = "Linking an upstream account failed: {Codes}")]
    private static partial void LogLinkFailed(ILogger logger, string codes);
}
