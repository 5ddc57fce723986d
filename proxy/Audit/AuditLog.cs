namespace Facade.Proxy.Audit;

/// <summary>
/// The edge's audit trail: one structured log event per security-relevant act, under the category
/// <see cref="Category"/> (on at Information in appsettings.json whatever the default level), for the operator's log
/// pipeline: sign-ins and failed ones, consents given and withdrawn, access tokens issued, revocations, API keys created
/// and revoked. Identifiers only (user ids, client ids, jtis, key ids), never a token, key or password. Device commands
/// are audited by the device edge (<c>GET /devices/{id}/commands</c>).
/// </summary>
public sealed partial class AuditLog(ILoggerFactory loggers)
{
    public const string Category = "Facade.Audit";
    private const int MaxListed = 20;
    private readonly ILogger _logger = loggers.CreateLogger(Category);

    public void SignedIn(string userName, string? address) => LogSignedIn(_logger, Clip(userName), address);

    public void SignInFailed(string userName, bool lockedOut, string? address) =>
        LogSignInFailed(_logger, Clip(userName), lockedOut ? "locked_out" : "invalid_credentials", address);

    public void ConsentGiven(string userId, string applicationId, IEnumerable<string> scopes) =>
        LogConsentGiven(_logger, userId, applicationId, string.Join(' ', scopes));

    public void ConsentWithdrawn(string userId, string authorizationId) => LogConsentWithdrawn(_logger, userId, authorizationId);

    public void TokenIssued(string jti, string subject, string? clientId, string label, string scopes) =>
        LogTokenIssued(_logger, jti, subject, clientId, label, scopes);

    public void TokensRevoked(IReadOnlyList<string> jtis) =>
        LogTokensRevoked(_logger, jtis.Count, string.Join(' ', jtis.Take(MaxListed)) + (jtis.Count > MaxListed ? " …" : ""));

    public void KeyCreated(string keyId, string userId, string? agentId, string scopes) => LogKeyCreated(_logger, keyId, userId, agentId, scopes);

    public void KeyRevoked(string keyId, string userId, int tokens) => LogKeyRevoked(_logger, keyId, userId, tokens);

    /// <summary>A user name as typed (it may be anything): bounded, and on one line.</summary>
    private static string Clip(string value) =>
        new([.. value.Take(100).Select(c => char.IsControl(c) ? '?' : c)]);

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "audit sign_in user={UserName} from={Address}")]
    private static partial void LogSignedIn(ILogger logger, string userName, string? address);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Warning, Message = "audit sign_in_failed user={UserName} reason={Reason} from={Address}")]
    private static partial void LogSignInFailed(ILogger logger, string userName, string reason, string? address);

    [LoggerMessage(EventId = 9103, Level = LogLevel.Information, Message = "audit consent_given user={UserId} application={ApplicationId} scopes={Scopes}")]
    private static partial void LogConsentGiven(ILogger logger, string userId, string applicationId, string scopes);

    [LoggerMessage(EventId = 9104, Level = LogLevel.Information, Message = "audit consent_withdrawn user={UserId} authorization={AuthorizationId}")]
    private static partial void LogConsentWithdrawn(ILogger logger, string userId, string authorizationId);

    [LoggerMessage(EventId = 9105, Level = LogLevel.Information, Message = "audit token_issued jti={Jti} user={Subject} client={ClientId} label={Label} scopes={Scopes}")]
    private static partial void LogTokenIssued(ILogger logger, string jti, string subject, string? clientId, string label, string scopes);

    [LoggerMessage(EventId = 9106, Level = LogLevel.Information, Message = "audit tokens_revoked count={Count} jtis={Jtis}")]
    private static partial void LogTokensRevoked(ILogger logger, int count, string jtis);

    [LoggerMessage(EventId = 9107, Level = LogLevel.Information, Message = "audit key_created key={KeyId} user={UserId} agent={AgentId} scopes={Scopes}")]
    private static partial void LogKeyCreated(ILogger logger, string keyId, string userId, string? agentId, string scopes);

    [LoggerMessage(EventId = 9108, Level = LogLevel.Information, Message = "audit key_revoked key={KeyId} user={UserId} tokens={Tokens}")]
    private static partial void LogKeyRevoked(ILogger logger, string keyId, string userId, int tokens);
}
