using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Facade.DeviceEdge.Data.Migrations
{
    /// <inheritdoc />
    public partial class ExternalBroker : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "secret_hash",
                table: "devices",
                type: "TEXT",
                maxLength: 120,
                nullable: false,
                oldClrType: typeof(byte[]),
                oldType: "BLOB",
                oldMaxLength: 32);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<byte[]>(
                name: "secret_hash",
                table: "devices",
                type: "BLOB",
                maxLength: 32,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 120);
        }
    }
}
