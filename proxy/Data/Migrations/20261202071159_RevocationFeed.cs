using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Facade.Proxy.Data.Migrations
{
    /// <inheritdoc />
    public partial class RevocationFeed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "revoked_seq",
                table: "api_tokens",
                type: "INTEGER",
                nullable: true);

            // Tokens revoked before the feed existed join it at its first position, so consumers learn of them too.
            migrationBuilder.Sql("UPDATE api_tokens SET revoked_seq = 1 WHERE revoked IS NOT NULL;");

            migrationBuilder.CreateIndex(
                name: "IX_api_tokens_revoked_seq_jti",
                table: "api_tokens",
                columns: new[] { "revoked_seq", "jti" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_api_tokens_revoked_seq_jti",
                table: "api_tokens");

            migrationBuilder.DropColumn(
                name: "revoked_seq",
                table: "api_tokens");
        }
    }
}
