using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Facade.DeviceEdge.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "devices",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    type = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    tags = table.Column<string>(type: "TEXT", nullable: false),
                    firmware_version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    owner_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    secret_hash = table.Column<byte[]>(type: "BLOB", maxLength: 32, nullable: false),
                    created = table.Column<long>(type: "INTEGER", nullable: false),
                    updated = table.Column<long>(type: "INTEGER", nullable: false),
                    secret_issued = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_devices", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "alerts",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    device_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    raised = table.Column<long>(type: "INTEGER", nullable: false),
                    resolved = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_alerts", x => x.id);
                    table.ForeignKey(
                        name: "FK_alerts_devices_device_id",
                        column: x => x.device_id,
                        principalTable: "devices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "device_shares",
                columns: table => new
                {
                    device_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    user_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    access = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    created = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_device_shares", x => new { x.device_id, x.user_id });
                    table.ForeignKey(
                        name: "FK_device_shares_devices_device_id",
                        column: x => x.device_id,
                        principalTable: "devices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "device_status",
                columns: table => new
                {
                    device_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    online = table.Column<bool>(type: "INTEGER", nullable: false),
                    since = table.Column<long>(type: "INTEGER", nullable: true),
                    last_seen = table.Column<long>(type: "INTEGER", nullable: true),
                    last_reported = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    client_address = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    protocol_version = table.Column<string>(type: "TEXT", maxLength: 8, nullable: true),
                    connected_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_device_status", x => x.device_id);
                    table.ForeignKey(
                        name: "FK_device_status_devices_device_id",
                        column: x => x.device_id,
                        principalTable: "devices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_alerts_device_id_resolved",
                table: "alerts",
                columns: new[] { "device_id", "resolved" });

            migrationBuilder.CreateIndex(
                name: "IX_device_shares_user_id",
                table: "device_shares",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "IX_devices_owner_id",
                table: "devices",
                column: "owner_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alerts");

            migrationBuilder.DropTable(
                name: "device_shares");

            migrationBuilder.DropTable(
                name: "device_status");

            migrationBuilder.DropTable(
                name: "devices");
        }
    }
}
