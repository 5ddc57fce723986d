namespace Facade.Common;

/// <summary>The database engine of a service that keeps state (the edge, the device edge).</summary>
public enum DatabaseProvider
{
    /// <summary>A file: one node, or several on one host sharing the folder.</summary>
    Sqlite,

    /// <summary>A server every node shares, on any machine.</summary>
    PostgreSql,
}
