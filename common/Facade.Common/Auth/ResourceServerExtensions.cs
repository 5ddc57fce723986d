using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Facade.Common.Auth;

public static class ResourceServerExtensions
{
    /// <summary>
    /// Makes the service a resource server of the edge: JwtBearer as the default scheme, configured from
    /// <see cref="ResourceServerOptions"/> (which the caller fills), the validated-token cache, scope requirements
    /// and the 403 <c>insufficient_scope</c> answer. Safe to call twice.
    /// </summary>
    public static AuthenticationBuilder AddFacadeResourceServer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ResourceServerOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ResourceServerTokenCache>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<JwtBearerOptions>, ResourceServerJwtBearerSetup>());
        services.AddAuthorization();
        services.Replace(ServiceDescriptor.Singleton<IAuthorizationMiddlewareResultHandler, InsufficientScopeResultHandler>());
        var authentication = services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme);
        if (!services.Any(s => s.ServiceType == typeof(JwtBearerHandler)))
        {
            authentication.AddJwtBearer();
        }

        return authentication;
    }

    /// <summary>An authenticated caller whose token carries all of <paramref name="scopes"/>; otherwise 401 or 403 insufficient_scope.</summary>
    public static TBuilder RequireScopes<TBuilder>(this TBuilder builder, params string[] scopes)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var requirement = new ScopeRequirement(scopes);
        return builder.RequireAuthorization(policy => policy.RequireAuthenticatedUser().AddRequirements(requirement));
    }
}
