#include "api/router.h"

#include <algorithm>

namespace medallion::api {
namespace {

// The segments after the leading '/': "/a/b" -> {"a", "b"}, "/" -> {""}.
std::vector<std::string_view> split_segments(std::string_view path) {
  std::vector<std::string_view> out;
  if (path.empty() || path[0] != '/') return out;
  path.remove_prefix(1);
  while (true) {
    const size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

}  // namespace

size_t Router::add(std::vector<std::string> methods, std::string_view path_template) {
  Route route;
  route.path_template = std::string(path_template);
  route.methods = std::move(methods);
  for (std::string_view segment : split_segments(path_template)) {
    Segment s;
    if (segment.size() >= 2 && segment.front() == '{' && segment.back() == '}') {
      s.parameter = true;
      segment = segment.substr(1, segment.size() - 2);
    }
    s.text = std::string(segment);
    route.segments.push_back(std::move(s));
  }
  routes_.push_back(std::move(route));
  return routes_.size() - 1;
}

bool Router::match_path(const Route& route, std::string_view path,
                        std::vector<std::string>* params) {
  const auto segments = split_segments(path);
  if (segments.size() != route.segments.size()) return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    const Segment& want = route.segments[i];
    if (want.parameter) {
      if (segments[i].empty()) return false;
      continue;
    }
    // Starlette's patterns end in Python's '$', which also matches before
    // one final newline: "/health\n" is /health. (A parameter keeps it.)
    const bool last = i + 1 == segments.size();
    if (segments[i] != want.text &&
        !(last && segments[i].size() == want.text.size() + 1 && segments[i].back() == '\n' &&
          segments[i].starts_with(want.text))) {
      return false;
    }
  }
  if (params) {
    params->clear();
    for (size_t i = 0; i < segments.size(); ++i) {
      if (route.segments[i].parameter) params->emplace_back(segments[i]);
    }
  }
  return true;
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match result;
  bool partial = false;
  for (size_t i = 0; i < routes_.size(); ++i) {
    const Route& route = routes_[i];
    const bool method_ok =
        std::find(route.methods.begin(), route.methods.end(), method) != route.methods.end();
    if (method_ok) {
      if (match_path(route, path, &result.params)) {
        result.kind = Match::Kind::kFound;
        result.route = i;
        return result;
      }
    } else if (!partial && match_path(route, path, nullptr)) {
      partial = true;
      for (const auto& m : route.methods) {
        if (!result.allow.empty()) result.allow += ", ";
        result.allow += m;
      }
    }
  }
  result.params.clear();
  result.kind = partial ? Match::Kind::kMethodNotAllowed : Match::Kind::kNotFound;
  return result;
}

bool Router::matches_any(std::string_view path) const {
  return std::any_of(routes_.begin(), routes_.end(),
                     [&](const Route& r) { return match_path(r, path, nullptr); });
}

}  // namespace medallion::api
