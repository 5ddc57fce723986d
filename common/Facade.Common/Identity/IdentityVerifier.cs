using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Facade.Common.Identity;

public enum IdentityFailure
{
    None,
    MissingHeader,
    BadSignature,
    BodyMismatch,
    OutsideWindow,
    Replayed,
}

/// <summary>What <see cref="IdentityVerifier"/> concluded; the identity fields are only meaningful when <see cref="IsValid"/>.</summary>
public sealed record IdentityVerification(IdentityFailure Failure, string Reason, string Subject = "", string Client = "", string Scopes = "", string Nonce = "")
{
    public bool IsValid => Failure == IdentityFailure.None;

    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// Checks the signed identity headers of a request from the edge (clusters in <c>identity</c> mode), for backend teams:
/// the HMAC over the canonical string (fixed-time comparison), the body against its SHA-256, the timestamp against a
/// window around the verifier's clock, and optionally that the nonce was not used before (replay).
/// </summary>
public static class IdentityVerifier
{
    private const int MacLength = 32;

    /// <param name="header">Reads a request header by name (null when absent); repeated headers must come back joined.</param>
    /// <param name="method">The request method.</param>
    /// <param name="host">The Host header (HTTP/2: <c>:authority</c>) exactly as received.</param>
    /// <param name="pathAndQuery">The request target exactly as received (ASP.NET Core: <c>IHttpRequestFeature.RawTarget</c>), not a decoded path.</param>
    /// <param name="body">The body bytes as received (empty when none).</param>
    /// <param name="key">The shared key: the UTF-8 bytes of <c>Facade:Edge:IdentitySigningKey</c>.</param>
    /// <param name="clock">The verifier's clock.</param>
    /// <param name="window">How far the timestamp may lie from the clock, either way (e.g. 5 minutes).</param>
    /// <param name="tryUseNonce">
    /// Records a nonce until the given time and returns false when it was already recorded (a replay). Called only
    /// for requests that pass every other check; <see cref="IdentityNonceCache.TryUse"/> does this in memory.
    /// </param>
    public static IdentityVerification Verify(
        Func<string, string?> header, string method, string host, string pathAndQuery, ReadOnlySpan<byte> body,
        ReadOnlySpan<byte> key, TimeProvider clock, TimeSpan window, Func<string, DateTimeOffset, bool>? tryUseNonce = null)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(clock);

        var subject = header(IdentitySignature.SubjectHeader);
        var client = header(IdentitySignature.ClientHeader);
        var scopes = header(IdentitySignature.ScopesHeader);
        var timestamp = header(IdentitySignature.TimestampHeader);
        var nonce = header(IdentitySignature.NonceHeader);
        var contentSha256 = header(IdentitySignature.ContentSha256Header);
        var signature = header(IdentitySignature.SignatureHeader);
        if (subject is null || client is null || scopes is null || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(nonce)
            || string.IsNullOrEmpty(contentSha256) || string.IsNullOrEmpty(signature))
        {
            return new(IdentityFailure.MissingHeader, "A signed identity header is missing.");
        }

        if (!Base64Url.IsValid(signature, out var length) || length != MacLength)
        {
            return new(IdentityFailure.BadSignature, "The signature is not a base64url HMAC-SHA256.");
        }

        Span<byte> presented = stackalloc byte[MacLength];
        Base64Url.DecodeFromChars(signature, presented);

        var canonical = IdentitySignature.CanonicalString(timestamp, nonce, method, host, pathAndQuery, contentSha256, subject, client, scopes);
        if (!CryptographicOperations.FixedTimeEquals(IdentitySignature.Mac(key, canonical), presented))
        {
            return new(IdentityFailure.BadSignature, "The signature does not match the request (method, host, path, body hash or identity changed, or another key).");
        }

        if (!string.Equals(IdentitySignature.ContentSha256(body), contentSha256, StringComparison.Ordinal))
        {
            return new(IdentityFailure.BodyMismatch, "The body does not match its signed SHA-256.");
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return new(IdentityFailure.OutsideWindow, "The timestamp is not Unix seconds.");
        }

        var signedAt = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if ((clock.GetUtcNow() - signedAt).Duration() > window)
        {
            return new(IdentityFailure.OutsideWindow, "The timestamp lies outside the replay window.");
        }

        if (tryUseNonce is not null && !tryUseNonce(nonce, signedAt + window))
        {
            return new(IdentityFailure.Replayed, "The nonce was used before: a replayed request.");
        }

        return new(IdentityFailure.None, "", subject, client, scopes, nonce);
    }

    /// <summary>
    /// <see cref="Verify"/> for an ASP.NET Core backend: reads the raw request target, the Host header and the whole
    /// body (buffered, so the endpoint can read it again).
    /// </summary>
    public static async Task<IdentityVerification> VerifyAsync(
        HttpRequest request, ReadOnlyMemory<byte> key, TimeProvider clock, TimeSpan window, IdentityNonceCache? nonces = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.EnableBuffering();
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
        request.Body.Position = 0;

        var target = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target))
        {
            target = request.PathBase.Add(request.Path).ToUriComponent() + request.QueryString.ToUriComponent();
        }

        var headers = request.Headers;
        return Verify(name => headers.TryGetValue(name, out var values) ? values.ToString() : null,
            request.Method, request.Host.Value ?? "", target, body.GetBuffer().AsSpan(0, (int)body.Length), key.Span, clock, window,
            nonces is null ? null : nonces.TryUse);
    }
}
