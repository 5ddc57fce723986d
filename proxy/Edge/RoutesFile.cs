using Microsoft.Extensions.FileProviders;

namespace Facade.Proxy.Edge;

/// <summary>
/// The routes file (<c>yarp.json</c>) in configuration, reloaded when it changes. Its change is found by polling the
/// file's modification time (every 4 s): .NET's default watcher puts an inotify watch on every folder under the file's
/// folder — a whole checkout with its <c>node_modules</c> when the file sits at the repository root — and wakes on every
/// write below it, SQLite's included. Owned by the container, which stops the polling with the app.
/// </summary>
internal sealed class RoutesFile : IDisposable
{
    private readonly PhysicalFileProvider _folder;

    private RoutesFile(string path)
    {
        Path = path;
        _folder = new PhysicalFileProvider(System.IO.Path.GetDirectoryName(path)!) { UsePollingFileWatcher = true, UseActivePolling = true };
    }

    public string Path { get; }

    public static void AddTo(IHostApplicationBuilder builder, string path)
    {
        var file = new RoutesFile(path);
        builder.Configuration.AddJsonFile(file._folder, System.IO.Path.GetFileName(path), optional: false, reloadOnChange: true);
        builder.Services.AddSingleton(_ => file);
    }

    public void Dispose() => _folder.Dispose();
}
