using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Facade.Mocks.AgentResponder.Hosting;
using Facade.Mocks.AgentResponder.Skills;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Facade.Mocks.AgentResponder.Channel;

/// <summary>
/// The agent's channel over the device edge's broker (README.md, "Agent channel"): user name <c>agent:{id}</c>, the agent
/// key as password, subscribed to <c>agents/{id}/inbox</c>; announces its skills on every connect and answers each
/// <c>chat_message</c> on <c>agents/{id}/outbox</c> as soon as it is ready (many at once). Reconnects with backoff.
/// </summary>
internal sealed partial class MqttChannel(ResponderOptions options, string key, CallDispatcher dispatcher, ChannelState state, TimeProvider time, ILogger logger)
{
    private string Inbox => $"agents/{options.AgentId}/inbox";

    private string Outbox => $"agents/{options.AgentId}/outbox";

    public async Task RunAsync(CancellationToken stopping)
    {
        var backoff = new Backoff(options);
        while (!stopping.IsCancellationRequested)
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            client.DisconnectedAsync += _ =>
            {
                lost.TrySetResult();
                return Task.CompletedTask;
            };
            client.ApplicationMessageReceivedAsync += e =>
            {
                if (e.ApplicationMessage.Topic == Inbox)
                {
                    _ = AnswerAsync(client, e.ApplicationMessage.Payload.ToArray(), stopping);
                }

                return Task.CompletedTask;
            };

            if (!await TryConnectAsync(client, stopping))
            {
                await WaitAsync(backoff, stopping);
                continue;
            }

            backoff.Reset();
            state.Set(true);
            LogConnected(logger, options.AgentId, options.BrokerHost, options.BrokerPort);
            try
            {
                await lost.Task.WaitAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                // Stopping: leave cleanly below.
            }

            state.Set(false);
            if (stopping.IsCancellationRequested)
            {
                await DisconnectAsync(client);
                return;
            }

            LogLost(logger, options.AgentId, backoff.Current.TotalSeconds);
            await WaitAsync(backoff, stopping);
        }
    }

    private async Task<bool> TryConnectAsync(IMqttClient client, CancellationToken stopping)
    {
        var connect = new MqttClientOptionsBuilder()
            .WithTcpServer(options.BrokerHost, options.BrokerPort)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId($"agent:{options.AgentId}:{Guid.NewGuid():N}")
            .WithCredentials($"agent:{options.AgentId}", key)
            .WithCleanStart(true)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        try
        {
            var result = await client.ConnectAsync(connect, stopping);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                LogRefused(logger, options.AgentId, result.ResultCode.ToString());
                return false;
            }

            var subscribed = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(Inbox, MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(), stopping);
            if (subscribed.Items.Any(i => i.ResultCode > MqttClientSubscribeResultCode.GrantedQoS2))
            {
                LogRefused(logger, options.AgentId, $"subscription to {Inbox} refused");
                await DisconnectAsync(client);
                return false;
            }

            // Every connect: the device edge learns the skills, and that calls handed to an earlier connection are lost.
            await PublishAsync(client, SkillCatalog.SkillsMessage(), stopping);
            return true;
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            LogUnreachable(logger, options.AgentId, options.BrokerHost, options.BrokerPort, e.Message);
            return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task AnswerAsync(IMqttClient client, byte[] payload, CancellationToken stopping)
    {
        try
        {
            if (await dispatcher.ReplyAsync(payload, stopping) is { } reply && client.IsConnected)
            {
                await PublishAsync(client, reply, stopping);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
        {
            // Stopping, or the connection went away mid-answer: the device edge fails that call for its caller.
            LogReplyLost(logger, options.AgentId, e.GetType().Name);
        }
    }

    private Task PublishAsync(IMqttClient client, JsonObject message, CancellationToken cancellationToken) =>
        client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(Outbox)
            .WithPayload(JsonSerializer.SerializeToUtf8Bytes(message))
            .WithContentType("application/json")
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build(), cancellationToken);

    private static async Task DisconnectAsync(IMqttClient client)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
        {
            // Already gone.
        }
    }

    private async Task WaitAsync(Backoff backoff, CancellationToken stopping)
    {
        try
        {
            await backoff.WaitAsync(time, stopping);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {AgentId} connected to the broker at {Host}:{Port} and announced its skills")]
    private static partial void LogConnected(ILogger logger, string agentId, string host, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId} lost the broker; reconnecting in about {Seconds} s")]
    private static partial void LogLost(ILogger logger, string agentId, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId}: the broker refused the connection ({Reason})")]
    private static partial void LogRefused(ILogger logger, string agentId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId}: broker {Host}:{Port} unreachable ({Reason})")]
    private static partial void LogUnreachable(ILogger logger, string agentId, string host, int port, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId}: a reply could not be sent ({Reason})")]
    private static partial void LogReplyLost(ILogger logger, string agentId, string reason);
}
