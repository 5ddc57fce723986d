using System.Text;
using Facade.DeviceEdge.Broker;
using Facade.DeviceEdge.ExternalBroker;

namespace Facade.DeviceEdge.Mosquitto;

/// <summary>A device account in mosquitto's files: its id (user name) and its stored secret hash.</summary>
internal readonly record struct DeviceAccount(string DeviceId, string SecretHash);

/// <summary>
/// An account in mosquitto's files that is not a device: the service's (each worker's) or an alert subscriber's
/// (<c>DeviceEdge:Mqtt:AlertSubscribers</c>, which may only read alerts).
/// </summary>
internal readonly record struct BrokerAccount(string UserName, string SecretHash);

/// <summary>
/// The text of mosquitto's <c>password_file</c> and <c>acl_file</c> for the registry's devices and the service's own
/// account. A device may write exactly what <see cref="TopicAcl.CheckPublish"/> allows (telemetry, status, command
/// acknowledgements, reported shadow) and read exactly what <see cref="TopicAcl.CheckSubscribe"/> allows (its commands
/// and desired shadow); the service reads and writes the mirror image over every device (<see cref="ServiceTopics"/>).
/// Nothing else: no anonymous section, no patterns. Deterministic (sorted, no timestamps), so an unchanged registry
/// gives unchanged files.
/// </summary>
internal static class MosquittoAccountFiles
{
    public const string PasswordFileName = "passwd";
    public const string AclFileName = "acl";

    private const string Header = "# Written by the Facade device edge from its device registry; edits are overwritten.\n";

    /// <summary>The service's accounts (this worker's first, then other workers' sorted), alert subscribers, devices.</summary>
    public static string PasswordFile(IEnumerable<BrokerAccount> serviceAccounts, IEnumerable<DeviceAccount> devices, IEnumerable<BrokerAccount> subscribers)
    {
        var text = new StringBuilder(Header);
        foreach (var account in serviceAccounts)
        {
            text.Append(account.UserName).Append(':').Append(account.SecretHash).Append('\n');
        }

        foreach (var subscriber in subscribers.OrderBy(s => s.UserName, StringComparer.Ordinal))
        {
            text.Append(subscriber.UserName).Append(':').Append(subscriber.SecretHash).Append('\n');
        }

        foreach (var device in devices.OrderBy(d => d.DeviceId, StringComparer.Ordinal))
        {
            text.Append(device.DeviceId).Append(':').Append(device.SecretHash).Append('\n');
        }

        return text.ToString();
    }

    public static string AclFile(IEnumerable<string> serviceUsers, IEnumerable<string> deviceIds, IEnumerable<string> subscribers)
    {
        var text = new StringBuilder(Header);
        foreach (var serviceUser in serviceUsers)
        {
            text.Append("\nuser ").Append(serviceUser).Append('\n');
            foreach (var filter in ServiceTopics.Consumed)
            {
                text.Append("topic read ").Append(filter).Append('\n');
            }

            foreach (var filter in ServiceTopics.Published)
            {
                text.Append("topic write ").Append(filter).Append('\n');
            }
        }

        foreach (var subscriber in subscribers.Order(StringComparer.Ordinal))
        {
            text.Append("\nuser ").Append(subscriber).Append('\n').Append("topic read ").Append(AlertTopics.Prefix).Append("#\n");
        }

        foreach (var id in deviceIds.Order(StringComparer.Ordinal))
        {
            text.Append("\nuser ").Append(id).Append('\n')
                .Append("topic write ").Append(DeviceTopics.Telemetry(id)).Append('\n')
                .Append("topic write ").Append(DeviceTopics.Status(id)).Append('\n')
                .Append("topic write ").Append(DeviceTopics.CommandAck(id, "+")).Append('\n')
                .Append("topic write ").Append(DeviceTopics.ShadowReported(id)).Append('\n')
                .Append("topic read ").Append(DeviceTopics.AllCommands(id)).Append('\n')
                .Append("topic read ").Append(DeviceTopics.ShadowDesired(id)).Append('\n');
        }

        return text.ToString();
    }
}
