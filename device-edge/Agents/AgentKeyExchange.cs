using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Facade.DeviceEdge.Hosting;
using Microsoft.Extensions.Options;

namespace Facade.DeviceEdge.Agents;

/// <summary>Why a key could not be exchanged: the edge refused it, or the edge could not be asked.</summary>
internal enum KeyExchangeFailure
{
    None,
    Refused,
    Unavailable,
}

/// <summary>
/// Turns an agent key into an access token at the edge (<c>POST {EdgeUrl}oauth/key-token</c> with
/// <c>X-Agent-API-Key</c>), for runtimes that connect to the broker with their key. The key is only sent there, kept
/// by the caller in memory for renewals, and never logged; the token is validated like any other afterwards.
/// </summary>
internal sealed partial class AgentKeyExchange(
    IHttpClientFactory clients, IOptions<AgentOptions> options, IOptions<DeviceEdgeOptions> edge, ILogger<AgentKeyExchange> logger)
{
    public const string HttpClientName = "Facade.DeviceEdge.AgentKeys";
    public const string KeyHeader = "X-Agent-API-Key";

    private Uri Endpoint => new(options.Value.EdgeUrl ?? edge.Value.Issuer!, "oauth/key-token");

    public async Task<(string? AccessToken, KeyExchangeFailure Failure)> ExchangeAsync(string key, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint);
        request.Headers.TryAddWithoutValidation(KeyHeader, key);
        request.Headers.Accept.ParseAdd("application/json");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.KeyExchangeTimeout);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.BadRequest)
            {
                return (null, KeyExchangeFailure.Refused);
            }

            if (!response.IsSuccessStatusCode)
            {
                LogUnavailable(logger, Endpoint, $"HTTP {(int)response.StatusCode}");
                return (null, KeyExchangeFailure.Unavailable);
            }

            var answer = await response.Content.ReadFromJsonAsync(KeyTokenJsonContext.Default.KeyTokenAnswer, timeout.Token);
            return answer?.AccessToken is { Length: > 0 } token ? (token, KeyExchangeFailure.None) : (null, KeyExchangeFailure.Unavailable);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException)
        {
            LogUnavailable(logger, Endpoint, exception.GetType().Name);
            return (null, KeyExchangeFailure.Unavailable);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not exchange an agent key at {Endpoint}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, Uri endpoint, string reason);
}

/// <summary>The part of the edge's <c>/oauth/key-token</c> answer the device edge needs.</summary>
internal sealed record KeyTokenAnswer([property: JsonPropertyName("access_token")] string? AccessToken);

[JsonSerializable(typeof(KeyTokenAnswer))]
internal sealed partial class KeyTokenJsonContext : JsonSerializerContext;
