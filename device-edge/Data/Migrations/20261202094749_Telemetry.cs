using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Facade.DeviceEdge.Data.Migrations
{
    /// <inheritdoc />
    public partial class Telemetry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "telemetry_series",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    device_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_telemetry_series", x => x.id);
                    table.ForeignKey(
                        name: "FK_telemetry_series_devices_device_id",
                        column: x => x.device_id,
                        principalTable: "devices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            // WITHOUT ROWID (not expressible in the EF Core model): the primary key (series, ts) is the table itself, so
            // each stored reading writes one B-tree instead of a rowid table plus a key index, at half the size.
            // Keep this when squashing migrations.
            migrationBuilder.Sql("""
                CREATE TABLE "telemetry_minutes" (
                    "series_id" INTEGER NOT NULL,
                    "ts" INTEGER NOT NULL,
                    "min_value" REAL NOT NULL,
                    "max_value" REAL NOT NULL,
                    "sum_value" REAL NOT NULL,
                    "count" INTEGER NOT NULL,
                    CONSTRAINT "PK_telemetry_minutes" PRIMARY KEY ("series_id", "ts"),
                    CONSTRAINT "FK_telemetry_minutes_telemetry_series_series_id" FOREIGN KEY ("series_id") REFERENCES "telemetry_series" ("id") ON DELETE CASCADE
                ) WITHOUT ROWID;
                """);

            migrationBuilder.Sql("""
                CREATE TABLE "telemetry_points" (
                    "series_id" INTEGER NOT NULL,
                    "ts" INTEGER NOT NULL,
                    "value" REAL NOT NULL,
                    CONSTRAINT "PK_telemetry_points" PRIMARY KEY ("series_id", "ts"),
                    CONSTRAINT "FK_telemetry_points_telemetry_series_series_id" FOREIGN KEY ("series_id") REFERENCES "telemetry_series" ("id") ON DELETE CASCADE
                ) WITHOUT ROWID;
                """);

            migrationBuilder.CreateIndex(
                name: "IX_telemetry_series_device_id_key",
                table: "telemetry_series",
                columns: new[] { "device_id", "key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "telemetry_minutes");

            migrationBuilder.DropTable(
                name: "telemetry_points");

            migrationBuilder.DropTable(
                name: "telemetry_series");
        }
    }
}
