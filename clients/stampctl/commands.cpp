// stampctl's command subcommands: one per row of the engine's command table, in its order
// (command_table.hpp says where each is defined).
#include "clients/stampctl/command_table.hpp"

namespace stampd::ctl {

std::string subcommand_name(const command& c) {
    std::string name{command_name(c)};
    for (char& ch : name)
        if (ch == '_') ch = '-';
    return name;
}

void define_commands(registry& r) {
#define STAMPD_ADD_SUBCOMMAND(type, wire, roles) add<type>(r, cli<type>());
    STAMPD_COMMANDS(STAMPD_ADD_SUBCOMMAND)
#undef STAMPD_ADD_SUBCOMMAND
    // The name people say on the floor.
    r.app.get_subcommand("record-physical-count")->alias("record-count");
}

}  // namespace stampd::ctl
