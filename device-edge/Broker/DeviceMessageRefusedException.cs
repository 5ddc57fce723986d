namespace Facade.DeviceEdge.Broker;

/// <summary>
/// Thrown by an <see cref="IDeviceMessageHandler"/> for a message the device should not have sent (malformed,
/// out of range): unlike any other exception it keeps the connection open. MQTT 5 devices get the PUBACK reason code
/// <c>PayloadFormatInvalid</c> with <see cref="Exception.Message"/> as the reason string; MQTT 3.1.1 has no reason
/// codes, so a 3.1.1 device gets a plain PUBACK and the message is dropped. The handler logs and counts it. The
/// message must be fixed text: it goes back to the device and into logs, never the payload.
/// </summary>
internal sealed class DeviceMessageRefusedException(string reason) : Exception(reason);
