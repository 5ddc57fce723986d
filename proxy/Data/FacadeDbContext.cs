using Facade.Proxy.ApiKeys;
using Facade.Proxy.Ledger;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Facade.Proxy.Data;

/// <summary>
/// Users (Identity), OAuth clients/authorizations/tokens (OpenIddict), API keys, the token ledger and (on PostgreSQL)
/// the Data Protection key ring, in one database. This type is the SQLite one and owns <c>Data/Migrations</c>;
/// <see cref="PostgreSqlFacadeDbContext"/> is the same model with its own migrations (EF Core keeps one set per
/// context type).
/// </summary>
public class FacadeDbContext : IdentityDbContext<FacadeUser>, IDataProtectionKeyContext
{
    public FacadeDbContext(DbContextOptions<FacadeDbContext> options)
        : base(options)
    {
    }

    protected FacadeDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.UseOpenIddict();
        builder.Entity<ApiToken>(ApiToken.Configure);
        builder.Entity<ApiKey>(ApiKey.Configure);
        builder.Entity<FacadeUser>().Property(u => u.AllowedScopes).HasMaxLength(2000);
    }
}
