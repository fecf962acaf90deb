// The views of docs/sql.md: each row's variables read into codes, the decision diagram walked
// one tested variable at a time, the walk's end named as a reason, and the decision told by the
// reason (a rule allows or denies; `default` is the policy's default).
#include "usegate/sql/lower_sql.hpp"

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>

#include <fmt/format.h>

#include "column_codes.hpp"
#include "consent_sql.hpp"
#include "decision_walk.hpp"
#include "usegate/base/format_text.hpp"
#include "usegate/runtime/compiled_policy.hpp"
#include "usegate/runtime/time_text.hpp"

namespace usegate::sql {
namespace {

constexpr const char* row_alias = "usegate_row";

// SQLite nests expressions at most 1000 deep (SQLITE_MAX_EXPR_DEPTH); each step of the walk
// nests a CASE in the previous one, and reading a column takes some twenty levels.
constexpr std::size_t max_sqlite_steps = 400;

std::string reason_name(const runtime::CompiledPolicy& policy, std::uint32_t cell) {
  const std::uint32_t reason = runtime::cell_reason(cell);
  return reason == 0 ? std::string("default") : policy.rules[reason - 1].id;
}

// The code a constant binding gives every row, as the record decoder reads it.
Code constant_code(const Policy& policy, std::size_t variable, const runtime::AttributeInfo& info,
                   const std::string& text) {
  FieldValue value = FieldValue::from_string(text);
  if (info.type == runtime::AttributeType::boolean) value = FieldValue::from_bool(text == "true");
  if (info.type == runtime::AttributeType::number || info.type == runtime::AttributeType::time) {
    double number = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error == std::errc() && end == text.data() + text.size()) value = FieldValue::from_number(number);
  }
  return policy.encode(variable, value);
}

// The walk as one expression giving the reason's name.
// `CASE operand WHEN value THEN target ... ELSE most frequent target END` over `targets`
// (indexed by the operand's value).
std::string case_over(const std::string& operand, const std::vector<std::size_t>& targets) {
  std::map<std::size_t, std::size_t> frequency;
  for (const auto target : targets) ++frequency[target];
  std::size_t most = targets.front();
  for (const auto& [target, count] : frequency) {
    if (count > frequency[most]) most = target;
  }
  if (frequency.size() == 1) return std::to_string(most);
  std::string expression = fmt::format("CASE {}", operand);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (targets[i] != most) expression += fmt::format(" WHEN {} THEN {}", i, targets[i]);
  }
  expression += fmt::format(" ELSE {} END", most);
  return expression;
}

// The walk as SQL. Each step is a CASE on where the walk stands, each branch a CASE on the
// step's code: a row makes at most as many comparisons as there are places and codes, never
// their product. Without `state_name` the steps nest into one expression (`reason`); with it
// (DuckDB), step i is `steps[i]`, a column of its own named `state_name(i)` that the next step
// reads, and each step is one lookup in a constant list: DuckDB rewrites `CASE operand WHEN
// ...` into one comparison of a copy of the operand per branch, and pushes a filter on the
// reason down through the layers by copying each column's expression into it, so steps
// written as CASEs would grow as the product of their branches.
struct WalkText {
  std::vector<std::string> steps;
  std::string reason;
};

WalkText walk_text(const runtime::CompiledPolicy& policy, const Walk& walk,
                   const std::function<std::string(std::size_t)>& state_name) {
  WalkText out;
  std::string state = "0";
  const auto advance = [&](std::string expression) {
    if (!state_name) {
      state = std::move(expression);
      return;
    }
    out.steps.push_back(std::move(expression));
    state = state_name(out.steps.size() - 1);
  };
  for (const WalkStep& step : walk.steps) {
    const std::string code = fmt::format("usegate_c{}", step.variable);
    const std::size_t targets = *std::max_element(step.next.begin(), step.next.end()) + 1;
    if (targets == 1) {
      state = std::string("0");
      continue;
    }
    if (state_name) {
      // One lookup in a constant list, indexed by place and code (1-based): each name is read
      // once, so DuckDB copying a column's expression into a filter stays linear.
      std::string list;
      for (const auto target : step.next) list += fmt::format("{}{}", list.empty() ? "" : ", ", target);
      const std::string index = step.from.size() == 1 ? code : fmt::format("{} * {} + {}", state, step.cells, code);
      advance(fmt::format("[{}][{} + 1]", list, index));
      continue;
    }
    std::vector<std::string> by_place;
    for (std::size_t place = 0; place < step.from.size(); ++place) {
      const std::vector<std::size_t> next(step.next.begin() + static_cast<std::ptrdiff_t>(place * step.cells),
                                          step.next.begin() + static_cast<std::ptrdiff_t>((place + 1) * step.cells));
      by_place.push_back(case_over(code, next));
    }
    if (by_place.size() == 1) {
      advance(std::move(by_place.front()));
      continue;
    }
    std::string expression = fmt::format("CASE {}", state);
    for (std::size_t place = 0; place + 1 < by_place.size(); ++place) {
      expression += fmt::format(" WHEN {} THEN {}", place, by_place[place]);
    }
    expression += fmt::format(" ELSE {} END", by_place.back());
    advance(std::move(expression));
  }
  if (walk.terminals.size() == 1) {
    out.reason = quote_text(reason_name(policy, terminal_cell(walk.terminals.front())));
    return out;
  }
  if (state_name) {
    std::string list;
    for (const auto terminal : walk.terminals) {
      list += fmt::format("{}{}", list.empty() ? "" : ", ", quote_text(reason_name(policy, terminal_cell(terminal))));
    }
    out.reason = fmt::format("[{}][{} + 1]", list, state);
    return out;
  }
  out.reason = fmt::format("CASE {}", state);
  for (std::size_t i = 0; i + 1 < walk.terminals.size(); ++i) {
    out.reason += fmt::format(" WHEN {} THEN {}", i, quote_text(reason_name(policy, terminal_cell(walk.terminals[i]))));
  }
  out.reason += fmt::format(" ELSE {} END", quote_text(reason_name(policy, terminal_cell(walk.terminals.back()))));
  return out;
}

// `reason IN (the reasons that allow)`, or a false condition when none does.
std::string allows(const runtime::CompiledPolicy& policy, const std::string& reason) {
  std::string list;
  if (policy.default_allow) list += quote_text("default");
  for (const auto& rule : policy.rules) {
    if (!rule.allow) continue;
    if (!list.empty()) list += ", ";
    list += quote_text(rule.id);
  }
  if (list.empty()) return "0 = 1";
  return fmt::format("{} IN ({})", reason, list);
}

std::string table_reference(const std::string& table) {
  std::string out;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = table.find('.', start);
    out += quote_identifier(table.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    out += ".";
    start = dot + 1;
  }
  return out;
}

}  // namespace

std::optional<Dialect> dialect_named(const std::string& name) {
  if (name == "sqlite") return Dialect::sqlite;
  if (name == "postgres") return Dialect::postgres;
  if (name == "duckdb") return Dialect::duckdb;
  return std::nullopt;
}

const char* dialect_name(Dialect dialect) {
  switch (dialect) {
    case Dialect::sqlite: return "sqlite";
    case Dialect::postgres: return "postgres";
    case Dialect::duckdb: return "duckdb";
  }
  return "sqlite";
}

std::vector<std::string> dialect_names() {
  return {"sqlite", "postgres", "duckdb"};
}

Result<SqlOutput> lower_to_sql(const Policy& policy, const records::Bindings& bindings, const SqlOptions& options) {
  const runtime::CompiledPolicy& compiled = runtime::compiled_of(policy);
  const std::size_t count = compiled.variables.size();

  // Codes every row shares: constant bindings, `now` when given, the purpose of each walk.
  std::vector<int> fixed(count, -1);
  std::optional<std::size_t> now_variable;
  for (const auto& attribute : compiled.attributes) {
    if (attribute.builtin && attribute.variable >= 0) now_variable = static_cast<std::size_t>(attribute.variable);
  }
  if (options.now && !runtime::time_key_from_epoch(static_cast<double>(*options.now))) {
    return Error{Error::Code::invalid_input,
                 format_text("`now` ({}) is outside the years 0000 to 9999 that times are read in\n", *options.now), 0};
  }
  if (now_variable && options.now) fixed[*now_variable] = policy.encode_time(*now_variable, *options.now);
  for (const auto& binding : bindings.attributes) {
    if (binding.variable && binding.constant) {
      const auto& info = compiled.attributes[compiled.variables[*binding.variable].source];
      fixed[*binding.variable] = constant_code(policy, *binding.variable, info, *binding.constant);
    }
  }
  std::vector<std::vector<int>> walks_fixed;
  if (options.purposes.variable && !options.purposes.codes.empty()) {
    for (const Code code : options.purposes.codes) {
      walks_fixed.push_back(fixed);
      walks_fixed.back()[*options.purposes.variable] = code;
    }
  } else {
    walks_fixed.push_back(fixed);
  }

  const WalkDiagram diagram = walk_diagram_of(compiled);
  std::vector<Walk> walks;
  std::vector<bool> read(count, false);
  SqlOutput output;
  output.diagram_nodes = diagram.nodes.size();
  for (const auto& walk_fixed : walks_fixed) {
    walks.push_back(walk_of(diagram, compiled, walk_fixed));
    for (const auto& step : walks.back().steps) read[step.variable] = true;
    output.steps = std::max(output.steps, walks.back().steps.size());
  }
  if (options.dialect == Dialect::sqlite && output.steps > max_sqlite_steps) {
    return Error{Error::Code::invalid_input,
                 format_text("the policy's decision tests {} variables in turn, more than sqlite nests ({})\n",
                             output.steps, max_sqlite_steps),
                 0};
  }

  // Each variable the walks test, read from the row.
  const std::string row = row_alias;
  std::vector<ColumnCode> codes(count);
  for (const auto& binding : bindings.attributes) {
    if (!binding.variable || !read[*binding.variable]) continue;
    auto code = attribute_code(compiled, *binding.variable, binding, row, options.dialect);
    if (!code) return code.error();
    codes[*binding.variable] = std::move(code.value());
  }
  for (const auto& binding : bindings.settings) {
    if (!read[binding.variable]) continue;
    auto code = setting_code(compiled, binding.variable, binding, row, options.dialect,
                             ConsentSource{options.consent_table.has_value()});
    if (!code) return code.error();
    codes[binding.variable] = std::move(code.value());
  }
  if (now_variable && read[*now_variable])
    codes[*now_variable] = now_parameter_code(compiled, *now_variable, options.dialect);

  std::string keys;
  std::string code_columns;
  std::vector<std::string> internal;  // the columns DuckDB's layers add, excluded at the end
  for (std::size_t v = 0; v < count; ++v) {
    if (!read[v]) continue;
    if (!codes[v].key.empty()) {
      keys += fmt::format("{}{} AS usegate_k{}", keys.empty() ? "" : ", ", codes[v].key, v);
      internal.push_back(fmt::format("usegate_k{}", v));
    }
    if (!codes[v].consent.empty()) {
      keys += fmt::format("{}{} AS usegate_l{}", keys.empty() ? "" : ", ", codes[v].consent, v);
      internal.push_back(fmt::format("usegate_l{}", v));
    }
    code_columns += fmt::format("{}{} AS usegate_c{}", code_columns.empty() ? "" : ",\n      ", codes[v].code, v);
    internal.push_back(fmt::format("usegate_c{}", v));
  }
  if (keys.empty()) {
    keys = "NULL AS usegate_k";
    internal.push_back("usegate_k");
  }
  if (code_columns.empty()) {
    code_columns = "NULL AS usegate_c";
    internal.push_back("usegate_c");
  }
  const bool duckdb = options.dialect == Dialect::duckdb;
  for (std::size_t i = 0; i < walks.size(); ++i) internal.push_back(fmt::format("usegate_reason_{}", i));
  std::string reasons;
  // DuckDB: the walks' steps as layers of columns, layer i holding step i of every walk.
  std::vector<std::string> step_layers;
  for (std::size_t i = 0; i < walks.size(); ++i) {
    std::function<std::string(std::size_t)> state_name;
    if (duckdb) state_name = [i](std::size_t step) { return fmt::format("usegate_s{}_{}", i, step); };
    const WalkText walk = walk_text(compiled, walks[i], state_name);
    for (std::size_t step = 0; step < walk.steps.size(); ++step) {
      if (step_layers.size() <= step) step_layers.emplace_back();
      std::string& layer = step_layers[step];
      layer += fmt::format("{}{} AS {}", layer.empty() ? "" : ",\n      ", walk.steps[step], state_name(step));
      internal.push_back(state_name(step));
    }
    reasons += fmt::format("{}{} AS usegate_reason_{}", i ? ",\n    " : "", walk.reason, i);
  }
  // Several purposes: the first one that denies gives the reason, else the first one.
  std::string combined = "usegate_reason_0";
  if (walks.size() > 1) {
    combined = "CASE";
    for (std::size_t i = 0; i < walks.size(); ++i) {
      combined += fmt::format(" WHEN NOT ({0}) THEN usegate_reason_{1}",
                              allows(compiled, fmt::format("usegate_reason_{}", i)), i);
    }
    combined += " ELSE usegate_reason_0 END";
  }
  // PostgreSQL pulls derived tables up into their parent, copying an expression into every
  // place that names its column (a time key into each comparison, the walk into the decision);
  // `OFFSET 0` keeps each one computed once.
  const char* fence = options.dialect == Dialect::postgres ? " OFFSET 0" : "";
  const std::string reason = fmt::format(
      "(SELECT {0}\n FROM (SELECT {1}\n  FROM (SELECT {2}\n   FROM (SELECT {3}{4}) AS usegate_keys{4}) AS "
      "usegate_codes{4}) AS usegate_reasons)",
      combined, reasons, code_columns, keys, fence);

  const std::string table = table_reference(options.table);
  const std::string decided_view = quote_identifier(options.table + "_usegate");
  const std::string usable_view = quote_identifier(options.table + "_usegate_usable");
  std::string decisions = fmt::format(
      "SELECT usegate_decided.*, CASE WHEN {} THEN 'allow' ELSE 'deny' END AS usegate_decision\nFROM (SELECT "
      "{}.*, {} AS usegate_reason\nFROM {} AS {}{}) AS usegate_decided",
      allows(compiled, "usegate_decided.usegate_reason"), row, reason, table, row, fence);
  std::string usable = fmt::format("SELECT {0}.*\nFROM {1} AS {0}\nWHERE {2}", row, table, allows(compiled, reason));
  if (duckdb) {
    // DuckDB plans a correlated subquery as a join, which these expressions make very slow;
    // its `SELECT * EXCLUDE` lets each layer add columns to the row instead, every layer named
    // as the row so that the expressions read the columns by the same names. DuckDB keeps each
    // layer a projection of its own, so every column is computed once.
    std::string excluded;
    for (const auto& name : internal) excluded += (excluded.empty() ? "" : ", ") + name;
    std::string layers = fmt::format("SELECT {0}.*, {1}\n FROM {2} AS {0}", row, keys, table);
    layers = fmt::format("SELECT {0}.*, {1}\n FROM ({2}) AS {0}", row, code_columns, layers);
    for (const auto& layer : step_layers)
      layers = fmt::format("SELECT {0}.*, {1}\n FROM ({2}) AS {0}", row, layer, layers);
    layers = fmt::format("SELECT {0}.*, {1}\n FROM ({2}) AS {0}", row, reasons, layers);
    layers = fmt::format("SELECT {0}.*, {1} AS usegate_reason\n FROM ({2}) AS {0}", row, combined, layers);
    decisions = fmt::format(
        "SELECT * EXCLUDE ({0}), CASE WHEN {1} THEN 'allow' ELSE 'deny' END AS usegate_decision\nFROM ({2}) AS "
        "usegate_decided",
        excluded, allows(compiled, "usegate_decided.usegate_reason"), layers);
    usable = fmt::format("SELECT * EXCLUDE ({0}, usegate_reason)\nFROM ({1}) AS usegate_decided\nWHERE {2}", excluded,
                         layers, allows(compiled, "usegate_decided.usegate_reason"));
  }

  // With a consent table, both statements start with the CTE of the consent state.
  std::string with;
  if (options.consent_table) {
    const std::string now_seconds = options.now ? std::to_string(*options.now) : now_parameter(options.dialect);
    with = "WITH " +
           consent_cte(compiled, table_reference(*options.consent_table), options.consent_order, now_seconds,
                       options.dialect) +
           "\n";
  }
  std::string& out = output.text;
  out += fmt::format("-- usegate policy {} version {}: decisions for the rows of {} ({})\n", compiled.name,
                     compiled.version.empty() ? "-" : compiled.version, options.table, dialect_name(options.dialect));
  const bool now_read = (now_variable && read[*now_variable]) || options.consent_table;
  // PostgreSQL reads `now` from a setting of the session, which a view may do.
  if (!options.now && now_read && options.dialect == Dialect::postgres) {
    out += "-- `now` is the setting usegate.now (epoch seconds): SET usegate.now = '1725148800';\n";
  }
  if (!options.now && now_read && options.dialect == Dialect::duckdb) {
    out += "-- `now` is the variable usegate_now (epoch seconds): SET VARIABLE usegate_now = 1725148800;\n";
  }
  if (options.now || !now_read || typed_columns(options.dialect)) {
    out += fmt::format("CREATE VIEW {} AS\n{}{};\n\n", decided_view, with, decisions);
    out += fmt::format("-- the rows {} allows\n", options.purposes.codes.size() > 1 ? "every purpose" : "the policy");
    out += fmt::format("CREATE VIEW {} AS\n{}{};\n", usable_view, with, usable);
  } else {
    // A view cannot hold a parameter: the two queries, each reading `:usegate_now`.
    out += "-- `now` is the parameter :usegate_now (epoch seconds)\n";
    out += with + decisions + ";\n\n";
    out += fmt::format("-- the rows {} allows\n", options.purposes.codes.size() > 1 ? "every purpose" : "the policy");
    out += with + usable + ";\n";
  }
  return output;
}

}  // namespace usegate::sql
