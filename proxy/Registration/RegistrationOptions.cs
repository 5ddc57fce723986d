using System.ComponentModel.DataAnnotations;

namespace Facade.Proxy.Registration;

/// <summary><c>Facade:Registration</c>: dynamic client registration (RFC 7591) and Client ID Metadata Documents.</summary>
public sealed class RegistrationOptions
{
    public const string SectionName = "Facade:Registration";

    /// <summary>
    /// Accept Client ID Metadata Documents (an https URL as client_id) and advertise
    /// <c>client_id_metadata_document_supported</c>; also serves the bridge's own document (<see cref="BridgeClientDocument"/>).
    /// Off: only registered clients (dynamic registration, seeded, admin CLI).
    /// </summary>
    public bool MetadataDocumentsEnabled { get; set; } = true;

    /// <summary>Largest registration request body accepted, in bytes.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 16 * 1024;

    /// <summary>Registrations one client address may make per minute; also bounds its client metadata document fetches.</summary>
    [Range(1, 100_000)]
    public int PermitsPerMinute { get; set; } = 60;

    /// <summary>Largest client metadata document fetched, in bytes.</summary>
    [Range(512, 1024 * 1024)]
    public int MetadataDocumentMaxBytes { get; set; } = 5 * 1024;

    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan MetadataDocumentTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a fetched metadata document is trusted when its response names no max-age.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MetadataDocumentCacheDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many fetched metadata documents (and failed fetches, for 30 s) are kept at most.</summary>
    [Range(1, 1_000_000)]
    public int MetadataDocumentCacheEntries { get; set; } = 1000;

    /// <summary>
    /// Allow http:// metadata document URLs and loopback or private addresses. Only for local testing: ignored
    /// outside Development, where documents must be https and must not point into the internal network.
    /// </summary>
    public bool AllowInsecureMetadataDocuments { get; set; }
}
