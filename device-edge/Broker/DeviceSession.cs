using System.Collections;
using Facade.DeviceEdge.Status;

namespace Facade.DeviceEdge.Broker;

/// <summary>
/// What the broker knows about an authenticated device connection, kept in MQTTnet's session items: the device,
/// the credential generation it was accepted under, and (once connected) its <see cref="DeviceConnection"/>.
/// </summary>
internal sealed class DeviceSession(string deviceId, long credentialGeneration)
{
    private static readonly object Key = typeof(DeviceSession);

    public string DeviceId { get; } = deviceId;

    public long CredentialGeneration { get; } = credentialGeneration;

    public DeviceConnection? Connection { get; set; }

    public void Store(IDictionary items)
    {
        ArgumentNullException.ThrowIfNull(items);
        items[Key] = this;
    }

    /// <summary>The device session, or null for the broker's own messages (injected, no device behind them).</summary>
    public static DeviceSession? From(IDictionary? items) => items?[Key] as DeviceSession;
}
