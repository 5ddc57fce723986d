using System.Globalization;
using System.Security.Claims;

namespace Facade.McpAdapter.Mcp;

/// <summary>
/// One legacy HTTP+SSE session and the token it runs on: the newest valid token its user gave it (through the same
/// client), used for every backend call. It ends when that token expires or is revoked.
/// </summary>
internal sealed class SseSession : IDisposable
{
    public const string ItemKey = "facade.sse-session";

    private readonly CancellationTokenSource _ended = new();
    private readonly ITimer _expiry;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private SessionToken _current;
    private bool _disposed;

    public SseSession(string id, SessionToken token, TimeProvider time)
    {
        Id = id;
        Subject = token.Subject;
        ClientId = token.ClientId;
        _current = token;
        _time = time;
        _expiry = time.CreateTimer(_ => EndIfExpired(), null, DueIn(token), Timeout.InfiniteTimeSpan);
    }

    public string Id { get; }

    public string Subject { get; }

    public string ClientId { get; }

    public SessionToken Current => Volatile.Read(ref _current);

    /// <summary>Cancelled when the session's token expired or was revoked (and no newer one was given).</summary>
    public CancellationToken Ended => _ended.Token;

    public bool IsEnded
    {
        get
        {
            lock (_gate)
            {
                return _disposed || _ended.IsCancellationRequested;
            }
        }
    }

    /// <summary>True when <paramref name="token"/> belongs to the same user through the same client.</summary>
    public bool IsOwnedBy(SessionToken token) =>
        string.Equals(Subject, token.Subject, StringComparison.Ordinal) && string.Equals(ClientId, token.ClientId, StringComparison.Ordinal);

    /// <summary>Adopts <paramref name="token"/> (the caller checked ownership) when it lives longer than the current one.</summary>
    public void Offer(SessionToken token)
    {
        lock (_gate)
        {
            if (_disposed || _ended.IsCancellationRequested || token.Expires <= _current.Expires)
            {
                return;
            }

            Volatile.Write(ref _current, token);
            _expiry.Change(DueIn(token), Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Ends the session when its current token is one of <paramref name="jtis"/>.</summary>
    public void EndIfRevoked(IReadOnlyCollection<string> jtis)
    {
        if (jtis.Contains(Current.Jti, StringComparer.Ordinal))
        {
            End();
        }
    }

    public void End()
    {
        lock (_gate)
        {
            if (!_disposed && !_ended.IsCancellationRequested)
            {
                // Flips the token now; the stream is torn down on the thread pool, not on the caller's thread (the
                // revocation feed's poller or the expiry timer).
                _ = _ended.CancelAsync();
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _expiry.Dispose();
        _ended.Dispose();
    }

    private void EndIfExpired()
    {
        if (_time.GetUtcNow() >= Current.Expires)
        {
            End();
            return;
        }

        // Timers may fire a little before the wall clock reaches the due time: look again then, or the session outlives its token.
        lock (_gate)
        {
            if (!_disposed)
            {
                _expiry.Change(DueIn(Current), Timeout.InfiniteTimeSpan);
            }
        }
    }

    private TimeSpan DueIn(SessionToken token)
    {
        var due = token.Expires - _time.GetUtcNow();
        return due > TimeSpan.Zero ? due : TimeSpan.Zero;
    }
}

/// <summary>The parts of a validated access token an SSE session keeps (claims as the edge issues them).</summary>
internal sealed record SessionToken(ClaimsPrincipal Principal, string BearerToken, string Subject, string ClientId, string Jti, DateTimeOffset Expires)
{
    /// <summary>Reads the request's validated token; null when a claim the session binds to is missing.</summary>
    public static SessionToken? From(HttpContext context)
    {
        var user = context.User;
        var bearer = Caller.BearerTokenOf(context.Request);
        return bearer is not null
            && user.FindFirstValue("sub") is { Length: > 0 } subject
            && user.FindFirstValue("client_id") is { Length: > 0 } client
            && user.FindFirstValue("jti") is { Length: > 0 } jti
            && long.TryParse(user.FindFirstValue("exp"), NumberStyles.None, CultureInfo.InvariantCulture, out var exp)
            ? new SessionToken(user, bearer, subject, client, jti, DateTimeOffset.FromUnixTimeSeconds(exp))
            : null;
    }
}
