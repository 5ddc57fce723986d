using System.ComponentModel.DataAnnotations;

namespace Facade.DeviceEdge.Mosquitto;

/// <summary>
/// The <c>DeviceEdge:Mqtt:Mosquitto</c> section: where the service writes mosquitto's password and ACL files from the
/// registry (External mode), and how it makes mosquitto reload them.
/// </summary>
public sealed class MosquittoOptions
{
    public const string SectionName = "DeviceEdge:Mqtt:Mosquitto";

    /// <summary>
    /// Folder of the generated <c>passwd</c> and <c>acl</c> files (mosquitto's <c>password_file</c> and <c>acl_file</c>),
    /// relative to the content root unless rooted. Empty: the service manages no broker accounts.
    /// </summary>
    public string? AccountsDirectory { get; set; }

    /// <summary>mosquitto's <c>pid_file</c>: the service sends that process SIGHUP after writing the files. Empty: reload is the operator's (README).</summary>
    public string? PidFile { get; set; }

    /// <summary>
    /// The broker user names of the other device-edge workers on this broker (<c>External:SharedSubscriptionGroup</c>):
    /// mosquitto's <c>use_username_as_clientid</c> gives each account one session, so each worker has its own account.
    /// They get the service's password and ACL in the files this worker writes; only one worker should write them.
    /// </summary>
    public List<string> OtherWorkers { get; set; } = [];

    /// <summary>How often the files are compared with the registry and rewritten if they differ (changes are written at once anyway).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromMinutes(1);
}
