using System.Collections.Immutable;
using System.Security.Claims;
using System.Text.Json;
using Facade.Proxy.Audit;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Facade.Proxy.AuthorizationServer;

/// <summary>
/// Permanent OpenIddict authorizations as remembered consent for user + client + registered redirect URI + scopes.
/// The redirect URI (and the consent marker that created the authorization) live in the authorization's properties,
/// so an "allow" for one of a client's redirect hosts is never reused for another. Authorizations recorded before
/// the redirect URI was kept carry none and are not reused: the user is asked once more.
/// </summary>
internal sealed class RememberedConsents(IOpenIddictAuthorizationManager authorizations, TimeProvider time, AuditLog audit)
{
    private const string RedirectUriProperty = "facade_redirect_uri";
    private const string MarkerProperty = "facade_consent_marker";

    /// <summary>The newest valid consent for exactly this redirect URI covering the scopes, or null.</summary>
    public async Task<object?> FindAsync(string subject, string applicationId, string redirectUri, ImmutableArray<string> scopes, CancellationToken cancellationToken)
    {
        object? found = null;
        await foreach (var authorization in authorizations.FindAsync(subject, applicationId, Statuses.Valid, AuthorizationTypes.Permanent, scopes, cancellationToken))
        {
            if (Read(await authorizations.GetPropertiesAsync(authorization, cancellationToken), RedirectUriProperty) == redirectUri)
            {
                found = authorization;
            }
        }

        return found;
    }

    /// <summary>Whether a consent was already recorded from this marker (even one withdrawn since).</summary>
    public async Task<bool> WasRecordedAsync(string subject, string applicationId, ConsentMarker marker, CancellationToken cancellationToken)
    {
        await foreach (var authorization in authorizations.FindAsync(subject, applicationId, status: null, type: null, scopes: null, cancellationToken))
        {
            if (Read(await authorizations.GetPropertiesAsync(authorization, cancellationToken), MarkerProperty) == marker.Id)
            {
                return true;
            }
        }

        return false;
    }

    public async Task<object> RecordAsync(ClaimsPrincipal principal, string subject, string applicationId, string redirectUri,
        ImmutableArray<string> scopes, ConsentMarker? marker, CancellationToken cancellationToken)
    {
        var descriptor = new OpenIddictAuthorizationDescriptor
        {
            ApplicationId = applicationId,
            CreationDate = time.GetUtcNow(),
            Principal = principal,
            Status = Statuses.Valid,
            Subject = subject,
            Type = AuthorizationTypes.Permanent,
        };
        descriptor.Scopes.UnionWith(scopes);
        descriptor.Properties[RedirectUriProperty] = JsonSerializer.SerializeToElement(redirectUri);
        if (marker is not null)
        {
            descriptor.Properties[MarkerProperty] = JsonSerializer.SerializeToElement(marker.Id);
        }

        var created = await authorizations.CreateAsync(descriptor, cancellationToken);
        audit.ConsentGiven(subject, applicationId, scopes);
        return created;
    }

    /// <summary>The redirect URI a consent was given for (null for consents recorded before it was kept).</summary>
    public async Task<string?> RedirectUriAsync(object authorization, CancellationToken cancellationToken) =>
        Read(await authorizations.GetPropertiesAsync(authorization, cancellationToken), RedirectUriProperty);

    private static string? Read(ImmutableDictionary<string, JsonElement> properties, string name) =>
        properties.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
