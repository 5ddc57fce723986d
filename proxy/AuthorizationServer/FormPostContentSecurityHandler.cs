using Facade.Proxy.Hosting;
using Microsoft.AspNetCore;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Facade.Proxy.AuthorizationServer;

/// <summary>
/// OpenIddict answers <c>response_mode=form_post</c> with a page whose inline script posts a form to the client's
/// redirect_uri. The edge's Content-Security-Policy forbids both unless the response names them: this adds that
/// script's hash and the redirect URI's origin to the policy of that one response.
/// </summary>
internal sealed class FormPostContentSecurityHandler : IOpenIddictServerHandler<ApplyAuthorizationResponseContext>
{
    /// <summary>The inline script of OpenIddict's form_post page (its ProcessFormPostResponse handler); a test checks it still is.</summary>
    public const string Script = "document.form.submit();";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyAuthorizationResponseContext>()
            .AddFilter<OpenIddictServerAspNetCoreHandlerFilters.RequireHttpRequest>()
            .UseSingletonHandler<FormPostContentSecurityHandler>()
            .SetOrder(OpenIddictServerAspNetCoreHandlers.Authentication.ProcessFormPostResponse.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ApplyAuthorizationResponseContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.ResponseMode == ResponseModes.FormPost && !string.IsNullOrEmpty(context.RedirectUri)
            && context.Transaction.GetHttpRequest()?.HttpContext is { } http)
        {
            var policy = ContentSecurityPolicy.Of(http);
            policy.AllowFormTarget(context.RedirectUri);
            policy.AllowInlineScript(Script);
        }

        return ValueTask.CompletedTask;
    }
}
