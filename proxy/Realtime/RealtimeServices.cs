using Facade.Proxy.Edge;
using Facade.Proxy.Ledger;
using Microsoft.Extensions.Options;

namespace Facade.Proxy.Realtime;

/// <summary>What the realtime endpoints use (one singleton); opens connections and their sessions.</summary>
internal sealed class RealtimeServices(
    RealtimeCredentials credentials,
    RealtimeHub hub,
    TokenLedger ledger,
    DeviceEdgeClient deviceEdge,
    EdgeTokenValidator validator,
    IOptions<RealtimeOptions> options,
    TimeProvider time,
    ILogger<RealtimeSession> logger)
{
    public RealtimeCredentials Credentials { get; } = credentials;
    public RealtimeHub Hub { get; } = hub;
    public RealtimeOptions Options => options.Value;
    public TimeProvider Time { get; } = time;
    public ILogger Logger { get; } = logger;

    /// <summary>
    /// Registers the caller's connection, or answers 429 <c>too_many_connections</c> (or 401 if its token was revoked
    /// while it was being registered: the revocation loop may have passed it already).
    /// </summary>
    public async Task<RealtimeSession?> OpenAsync(HttpContext http, RealtimeCaller caller)
    {
        var subject = caller.Caller.Principal.FindFirst("sub")!.Value;
        var connection = Hub.TryOpen(caller.Caller, subject, caller.Credential);
        if (connection is null)
        {
            await Facade.Common.JsonErrors.WriteAsync(http, StatusCodes.Status429TooManyRequests, "too_many_connections",
                $"You already hold {Options.MaxConnectionsPerUser} realtime connections; close one first.");
            return null;
        }

        if (!await ledger.IsActiveAsync(caller.Caller.Jti, http.RequestAborted))
        {
            Hub.Remove(connection);
            await Facade.Common.BearerChallenge.WriteUnauthorizedAsync(http, Credentials.MetadataUrl, tokenSent: true);
            return null;
        }

        return new RealtimeSession(connection, Hub, deviceEdge, validator, Options, Time, Logger);
    }
}
