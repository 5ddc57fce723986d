namespace Facade.DeviceEdge.Broker;

/// <summary>Which broker devices connect to.</summary>
public enum BrokerMode
{
    /// <summary>MQTTnet's broker inside the service (the default: <c>./run.sh</c> needs nothing else).</summary>
    Embedded,

    /// <summary>A broker of its own (mosquitto), which the service reaches as an MQTT client (<c>DeviceEdge:Mqtt:External</c>).</summary>
    External,
}
