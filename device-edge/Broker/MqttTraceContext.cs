using System.Diagnostics;
using System.Text;
using MQTTnet;

namespace Facade.DeviceEdge.Broker;

/// <summary>
/// The edge's messages to devices carry the current trace as MQTT 5 user properties (<c>traceparent</c>, and
/// <c>tracestate</c> when set, W3C Trace Context), so a command sent by a request is one trace from the caller through
/// the edge and the device edge to the device. Messages sent outside a request (a command re-sent on reconnect) carry
/// none; MQTT 3.1.1 devices never see them.
/// </summary>
internal static class MqttTraceContext
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    public static MqttApplicationMessageBuilder WithCurrentTrace(this MqttApplicationMessageBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } id } activity)
        {
            builder.WithUserProperty(TraceParent, Encoding.UTF8.GetBytes(id));
            if (!string.IsNullOrEmpty(activity.TraceStateString))
            {
                builder.WithUserProperty(TraceState, Encoding.UTF8.GetBytes(activity.TraceStateString));
            }
        }

        return builder;
    }
}
