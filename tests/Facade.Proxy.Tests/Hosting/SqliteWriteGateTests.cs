using Facade.Proxy.Data;
using Facade.Proxy.Hosting;
using Facade.Proxy.Ledger;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting.Internal;

namespace Facade.Proxy.Tests.Hosting;

/// <summary>
/// The edge's SQLite writes queue in process (proxy/Data/SqliteWriteGate.cs) while reads go on: on a real database
/// file in WAL mode, with the connection string the edge uses.
/// </summary>
public sealed class SqliteWriteGateTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly string _folder = Directory.CreateTempSubdirectory("facade-gate-").FullName;
    private readonly SqliteWriteGate _gate = new();
    private DbContextOptions<FacadeDbContext> _options = null!;

    public async ValueTask InitializeAsync()
    {
        var connection = DataPaths.ConnectionString(new FacadeOptions { DataDirectory = _folder }, new HostingEnvironment { ContentRootPath = _folder });
        _options = new DbContextOptionsBuilder<FacadeDbContext>().UseSqlite(connection).UseOpenIddict().AddInterceptors(_gate).Options;
        await using var db = NewContext();
        await DatabaseInitializer.PrepareAsync(db, TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task ConcurrentWriters_AllLand()
    {
        var ct = TestContext.Current.CancellationToken;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                await using var db = NewContext();
                db.ApiTokens.Add(Row($"w{writer}-{i}"));
                await db.SaveChangesAsync(ct);
                await db.ApiTokens.Where(t => t.Jti == $"w{writer}-{i}").ExecuteUpdateAsync(set => set.SetProperty(t => t.Scopes, "updated"), ct);
            }
        }, ct))).WaitAsync(TimeSpan.FromMinutes(1), ct);

        await using var check = NewContext();
        Assert.Equal(400, await check.ApiTokens.CountAsync(t => t.Scopes == "updated", ct));
    }

    [Fact]
    public async Task AWrite_WaitsForAnOpenWriteTransaction_WhileReadsGoOn()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var first = NewContext();
        await using var transaction = await first.Database.BeginTransactionAsync(ct);
        first.ApiTokens.Add(Row("first"));
        await first.SaveChangesAsync(ct);

        await using var second = NewContext();
        second.ApiTokens.Add(Row("second"));
        var secondWrite = second.SaveChangesAsync(ct);

        // A reader on another connection neither waits for the open transaction nor sees its row.
        await using var reader = NewContext();
        Assert.Equal(0, await reader.ApiTokens.CountAsync(ct).WaitAsync(Bound, ct));
        await Task.Delay(200, ct);
        Assert.False(secondWrite.IsCompleted, "the second write went ahead while the first transaction held the database");

        await transaction.CommitAsync(ct);
        await secondWrite.WaitAsync(Bound, ct);
        Assert.Equal(2, await reader.ApiTokens.CountAsync(ct));
    }

    [Fact]
    public async Task FailedAndRolledBackWrites_GiveTheGateBack()
    {
        var ct = TestContext.Current.CancellationToken;
        await using (var db = NewContext())
        {
            db.ApiTokens.Add(Row("taken"));
            await db.SaveChangesAsync(ct);
        }

        await using (var db = NewContext())
        {
            db.ApiTokens.Add(Row("taken"));
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync(ct));
        }

        await using (var db = NewContext())
        {
            await Assert.ThrowsAsync<SqliteException>(() => db.Database.ExecuteSqlRawAsync("UPDATE NoSuchTable SET x = 1", ct));
        }

        await using (var db = NewContext())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.ApiTokens.Add(Row("rolled-back"));
            await db.SaveChangesAsync(ct);
            await transaction.RollbackAsync(ct);
        }

        // Had any of these kept the gate, this write would wait out the gate's 30 s and fail.
        await using (var db = NewContext())
        {
            db.ApiTokens.Add(Row("after"));
            await db.SaveChangesAsync(ct).WaitAsync(Bound, ct);
            Assert.Equal(["after", "taken"], await db.ApiTokens.Select(t => t.Jti).OrderBy(j => j).ToListAsync(ct));
        }
    }

    [Theory]
    [InlineData("SELECT 1", true)]
    [InlineData("  select * from t", true)]
    [InlineData("-- tag\n-- another\nSELECT 1", true)]
    [InlineData("INSERT INTO t VALUES (1) RETURNING id", false)]
    [InlineData("UPDATE t SET x = 1", false)]
    [InlineData("-- tag\nDELETE FROM t", false)]
    [InlineData("WITH x AS (SELECT 1) UPDATE t SET y = 2", false)]
    [InlineData("PRAGMA journal_mode=WAL;", false)]
    [InlineData("-- only a comment", false)]
    public void OnlySelects_AreQueries(string sql, bool query) => Assert.Equal(query, SqliteWriteGate.IsQuery(sql));

    private FacadeDbContext NewContext() => new(_options);

    private static ApiToken Row(string jti) => new()
    {
        Jti = jti,
        Subject = "user",
        Label = ApiToken.OAuthLabel,
        CreatedAt = DateTimeOffset.UtcNow,
        ExpiresAt = DateTimeOffset.UtcNow.AddHours(1),
    };
}
