using System.Buffers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Facade.Common;
using Facade.Common.Identity;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Facade.Proxy.Edge;

/// <summary>
/// Adds the signed identity headers of <c>identity</c> mode (<see cref="IdentitySignature"/>) to a proxied request,
/// signing what the backend will receive: the method, the Host header and path+query after YARP's transforms (path
/// rewrites, <c>access_token</c> removed) and the SHA-256 of the body. To hash a body before its headers go out, the
/// edge reads it first: up to <see cref="EdgeOptions.IdentityMaxBodyBytes"/> (beyond 30 KB ASP.NET Core
/// buffers it in a temporary file), larger bodies get 413 and never reach the backend. Runs as the last request
/// transform, after the Host header is settled.
/// </summary>
internal sealed class IdentityRequestSigner(byte[] key, int maxBodyBytes, TimeProvider time)
{
    private static readonly string EmptySha256 = IdentitySignature.ContentSha256([]);

    public static void AddTo(TransformBuilderContext context, byte[] key, int maxBodyBytes, TimeProvider time)
    {
        // YARP adds the Host transform after every other unless the route already has one; it must run before ours.
        if (!context.RequestTransforms.Any(t => t is RequestHeaderOriginalHostTransform))
        {
            context.AddOriginalHost(useOriginal: false);
        }

        var signer = new IdentityRequestSigner(key, maxBodyBytes, time);
        context.AddRequestTransform(signer.SignAsync);
    }

    public async ValueTask SignAsync(RequestTransformContext transform)
    {
        var context = transform.HttpContext;
        var proxyRequest = transform.ProxyRequest;
        var contentSha256 = proxyRequest.Content is null ? EmptySha256 : await HashBodyAsync(context.Request, context.RequestAborted);
        if (contentSha256 is null)
        {
            await JsonErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "invalid_request",
                $"Requests to this backend carry at most {maxBodyBytes} bytes of body.");
            return;
        }

        // The address YARP would build after the last transform; set here, so what is signed is what is sent.
        var uri = proxyRequest.RequestUri ??= RequestUtilities.MakeDestinationAddress(transform.DestinationPrefix, transform.Path, transform.Query.QueryString);
        var user = context.User;
        var subject = user.FindFirstValue("sub") ?? "";
        var client = user.FindFirstValue("client_id") ?? "";
        var scopes = user.FindFirstValue("scope") ?? "";
        var timestamp = IdentitySignature.Timestamp(time.GetUtcNow());
        var nonce = IdentitySignature.NewNonce();
        var canonical = IdentitySignature.CanonicalString(
            timestamp, nonce, proxyRequest.Method.Method, proxyRequest.Headers.Host ?? Authority(uri), uri.PathAndQuery, contentSha256, subject, client, scopes);

        var headers = proxyRequest.Headers;
        headers.TryAddWithoutValidation(IdentitySignature.SubjectHeader, subject);
        headers.TryAddWithoutValidation(IdentitySignature.ClientHeader, client);
        headers.TryAddWithoutValidation(IdentitySignature.ScopesHeader, scopes);
        headers.TryAddWithoutValidation(IdentitySignature.TimestampHeader, timestamp);
        headers.TryAddWithoutValidation(IdentitySignature.NonceHeader, nonce);
        headers.TryAddWithoutValidation(IdentitySignature.ContentSha256Header, contentSha256);
        headers.TryAddWithoutValidation(IdentitySignature.SignatureHeader, IdentitySignature.Sign(key, canonical));
    }

    /// <summary>The Host header HttpClient writes when none is set: the destination's host, and its port unless default.</summary>
    private static string Authority(Uri uri)
    {
        var host = uri.HostNameType == UriHostNameType.IPv6 && !uri.IdnHost.StartsWith('[') ? "[" + uri.IdnHost + "]" : uri.IdnHost;
        return uri.IsDefaultPort ? host : host + ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>SHA-256 (hex) of the whole body, which stays readable for YARP; null when it is over the limit.</summary>
    private async ValueTask<string?> HashBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBodyBytes)
        {
            return null;
        }

        request.EnableBuffering();
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            long total = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > maxBodyBytes)
                {
                    return null;
                }

                sha256.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        request.Body.Position = 0;
        return Convert.ToHexStringLower(sha256.GetHashAndReset());
    }
}
