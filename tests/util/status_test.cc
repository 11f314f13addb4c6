#include "util/status.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace medallion::util {
namespace {

// ---------------------------------------------------------------------------
// Status

TEST(Status, DefaultIsOk) {
  const Status s;
  EXPECT_TRUE(s.is_ok());
  EXPECT_TRUE(static_cast<bool>(s));
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.message(), "");
}

TEST(Status, OkFactoryIsOk) {
  EXPECT_TRUE(Status::ok().is_ok());
  EXPECT_EQ(Status::ok().code(), StatusCode::kOk);
}

TEST(Status, OkToStringIsOk) { EXPECT_EQ(Status::ok().to_string(), "ok"); }

TEST(Status, ErrorToStringIsMessage) {
  EXPECT_EQ(Status::not_found("lake: no file ./x").to_string(), "lake: no file ./x");
}

TEST(Status, ErrorConvertsToFalse) {
  const Status s = Status::io_error("disk full");
  EXPECT_FALSE(s.is_ok());
  EXPECT_FALSE(static_cast<bool>(s));
}

TEST(Status, EachFactorySetsItsCodeAndMessage) {
  struct Case {
    Status status;
    StatusCode code;
  };
  const std::vector<Case> cases = {
      {Status::invalid_argument("m1"), StatusCode::kInvalidArgument},
      {Status::not_found("m2"), StatusCode::kNotFound},
      {Status::already_exists("m3"), StatusCode::kAlreadyExists},
      {Status::corruption("m4"), StatusCode::kCorruption},
      {Status::io_error("m5"), StatusCode::kIOError},
      {Status::unsupported("m6"), StatusCode::kUnsupported},
      {Status::aborted("m7"), StatusCode::kAborted},
      {Status::internal("m8"), StatusCode::kInternal},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(cases[i].status.code(), cases[i].code) << i;
    EXPECT_FALSE(cases[i].status.is_ok()) << i;
    EXPECT_EQ(cases[i].status.message(), "m" + std::to_string(i + 1));
  }
}

TEST(Status, ConstructorKeepsCodeAndMessage) {
  const Status s(StatusCode::kCorruption, "parquet: bad magic (f.parquet, offset 0): rewrite it");
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.message(), "parquet: bad magic (f.parquet, offset 0): rewrite it");
}

TEST(Status, CopyKeepsCodeAndMessage) {
  const Status a = Status::aborted("stopped");
  const Status b = a;  // NOLINT: the copy is the point
  EXPECT_EQ(b.code(), StatusCode::kAborted);
  EXPECT_EQ(b.message(), "stopped");
  EXPECT_EQ(a.message(), "stopped");
}

TEST(StatusCodeName, EveryCodeHasADistinctName) {
  EXPECT_EQ(status_code_name(StatusCode::kOk), "ok");
  EXPECT_EQ(status_code_name(StatusCode::kInvalidArgument), "invalid argument");
  EXPECT_EQ(status_code_name(StatusCode::kNotFound), "not found");
  EXPECT_EQ(status_code_name(StatusCode::kAlreadyExists), "already exists");
  EXPECT_EQ(status_code_name(StatusCode::kCorruption), "corruption");
  EXPECT_EQ(status_code_name(StatusCode::kIOError), "I/O error");
  EXPECT_EQ(status_code_name(StatusCode::kUnsupported), "unsupported");
  EXPECT_EQ(status_code_name(StatusCode::kAborted), "aborted");
  EXPECT_EQ(status_code_name(StatusCode::kInternal), "internal error");
}

TEST(StatusCodeName, UnknownValueDoesNotCrash) {
  EXPECT_EQ(status_code_name(static_cast<StatusCode>(999)), "unknown");
}

TEST(StatusWithContext, PrefixesMessage) {
  const Status s = Status::not_found("no such file").with_context("delta: reading ./t/_delta_log");
  EXPECT_EQ(s.message(), "delta: reading ./t/_delta_log: no such file");
}

TEST(StatusWithContext, KeepsCode) {
  EXPECT_EQ(Status::corruption("x").with_context("p").code(), StatusCode::kCorruption);
}

TEST(StatusWithContext, LeavesOriginalUnchanged) {
  const Status s = Status::io_error("x");
  const Status t = s.with_context("p");
  EXPECT_EQ(s.message(), "x");
  EXPECT_EQ(t.message(), "p: x");
}

TEST(StatusWithContext, NestsOutermostFirst) {
  const Status s = Status::io_error("eof").with_context("inner").with_context("outer");
  EXPECT_EQ(s.message(), "outer: inner: eof");
}

TEST(StatusWithContext, OkStaysOkWithoutMessage) {
  const Status s = Status::ok().with_context("ignored");
  EXPECT_TRUE(s.is_ok());
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.to_string(), "ok");
}

TEST(StatusWithContext, EmptyMessageStillGetsPrefix) {
  EXPECT_EQ(Status::internal("").with_context("p").message(), "p: ");
}

// ---------------------------------------------------------------------------
// Result

TEST(Result, HoldsValue) {
  const Result<int> r(42);
  ASSERT_TRUE(r.is_ok());
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(r.value(), 42);
  EXPECT_EQ(*r, 42);
}

TEST(Result, ValueHasOkStatus) {
  const Result<int> r(7);
  EXPECT_TRUE(r.status().is_ok());
  EXPECT_EQ(r.status().code(), StatusCode::kOk);
}

TEST(Result, HoldsError) {
  const Result<int> r(Status::not_found("nothing here"));
  EXPECT_FALSE(r.is_ok());
  EXPECT_FALSE(static_cast<bool>(r));
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "nothing here");
}

TEST(Result, ImplicitFromValueInReturn) {
  auto f = []() -> Result<std::string> { return std::string("abc"); };
  const Result<std::string> r = f();
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(*r, "abc");
}

TEST(Result, ImplicitFromStatusInReturn) {
  auto f = []() -> Result<std::string> { return Status::unsupported("nope"); };
  const Result<std::string> r = f();
  EXPECT_EQ(r.status().code(), StatusCode::kUnsupported);
}

TEST(Result, ArrowReachesMembers) {
  Result<std::string> r(std::string("hello"));
  EXPECT_EQ(r->size(), 5u);
  r->append("!");
  EXPECT_EQ(*r, "hello!");
}

TEST(Result, MutableValueCanBeChanged) {
  Result<std::vector<int>> r(std::vector<int>{1, 2});
  r.value().push_back(3);
  (*r).push_back(4);
  EXPECT_EQ(r.value(), (std::vector<int>{1, 2, 3, 4}));
}

TEST(Result, RvalueValueMovesOut) {
  Result<std::string> r(std::string(100, 'x'));
  const std::string s = std::move(r).value();
  EXPECT_EQ(s, std::string(100, 'x'));
}

TEST(Result, HoldsMoveOnlyValue) {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(5));
  ASSERT_TRUE(r.is_ok());
  ASSERT_NE(r.value(), nullptr);
  EXPECT_EQ(*r.value(), 5);
}

TEST(Result, MoveOnlyValueMovesOut) {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(9));
  int* raw = r.value().get();
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(p.get(), raw);
  EXPECT_EQ(*p, 9);
}

TEST(Result, MoveOnlyValueThroughReturn) {
  auto f = []() -> Result<std::unique_ptr<std::string>> {
    return std::make_unique<std::string>("owned");
  };
  Result<std::unique_ptr<std::string>> r = f();
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(**r, "owned");
}

TEST(Result, MoveOnlyErrorThroughReturn) {
  auto f = []() -> Result<std::unique_ptr<int>> { return Status::aborted("cancelled"); };
  const Result<std::unique_ptr<int>> r = f();
  EXPECT_EQ(r.status().code(), StatusCode::kAborted);
}

TEST(Result, ResultIsMovable) {
  Result<std::unique_ptr<int>> a(std::make_unique<int>(3));
  Result<std::unique_ptr<int>> b = std::move(a);
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(**b, 3);
}

// A Result built from an OK Status is a bug: an assertion in debug builds,
// an internal error (never a value-less "ok") in release builds.
TEST(ResultDeathTest, FromOkStatusIsInternalError) {
  EXPECT_DEBUG_DEATH(
      {
        const Result<int> r(Status::ok());
        EXPECT_FALSE(r.is_ok());
        EXPECT_EQ(r.status().code(), StatusCode::kInternal);
      },
      "");
}

// ---------------------------------------------------------------------------
// MEDALLION_RETURN_IF_ERROR / MEDALLION_ASSIGN_OR_RETURN

Status fail_if(bool fail, int* calls) {
  ++*calls;
  return fail ? Status::io_error("read failed") : Status::ok();
}

Status two_steps(bool fail_first, bool fail_second, int* calls, bool* reached_end) {
  MEDALLION_RETURN_IF_ERROR(fail_if(fail_first, calls));
  MEDALLION_RETURN_IF_ERROR(fail_if(fail_second, calls));
  *reached_end = true;
  return Status::ok();
}

TEST(ReturnIfError, OkContinues) {
  int calls = 0;
  bool end = false;
  EXPECT_TRUE(two_steps(false, false, &calls, &end).is_ok());
  EXPECT_EQ(calls, 2);
  EXPECT_TRUE(end);
}

TEST(ReturnIfError, FirstErrorReturnsImmediately) {
  int calls = 0;
  bool end = false;
  const Status s = two_steps(true, false, &calls, &end);
  EXPECT_EQ(s.code(), StatusCode::kIOError);
  EXPECT_EQ(s.message(), "read failed");
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(end);
}

TEST(ReturnIfError, SecondErrorReturns) {
  int calls = 0;
  bool end = false;
  EXPECT_FALSE(two_steps(false, true, &calls, &end).is_ok());
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(end);
}

TEST(ReturnIfError, WorksInFunctionReturningResult) {
  auto f = [](bool fail) -> Result<int> {
    int calls = 0;
    MEDALLION_RETURN_IF_ERROR(fail_if(fail, &calls));
    return 1;
  };
  EXPECT_EQ(*f(false), 1);
  EXPECT_EQ(f(true).status().code(), StatusCode::kIOError);
}

TEST(ReturnIfError, UsableAsSingleStatementOfIf) {
  auto f = [](bool cond) -> Status {
    int calls = 0;
    if (cond)
      MEDALLION_RETURN_IF_ERROR(fail_if(true, &calls));
    else
      return Status::not_found("else branch");
    return Status::ok();
  };
  EXPECT_EQ(f(true).code(), StatusCode::kIOError);
  EXPECT_EQ(f(false).code(), StatusCode::kNotFound);
}

Result<int> parse_positive(int v) {
  if (v <= 0) return Status::invalid_argument("not positive: " + std::to_string(v));
  return v;
}

Result<int> sum_positive(int a, int b, int* reached) {
  MEDALLION_ASSIGN_OR_RETURN(const int x, parse_positive(a));
  ++*reached;
  MEDALLION_ASSIGN_OR_RETURN(const int y, parse_positive(b));
  ++*reached;
  return x + y;
}

TEST(AssignOrReturn, BindsValues) {
  int reached = 0;
  const Result<int> r = sum_positive(2, 3, &reached);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(*r, 5);
  EXPECT_EQ(reached, 2);
}

TEST(AssignOrReturn, FirstErrorPropagates) {
  int reached = 0;
  const Result<int> r = sum_positive(-1, 3, &reached);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "not positive: -1");
  EXPECT_EQ(reached, 0);
}

TEST(AssignOrReturn, SecondErrorPropagates) {
  int reached = 0;
  const Result<int> r = sum_positive(1, 0, &reached);
  EXPECT_EQ(r.status().message(), "not positive: 0");
  EXPECT_EQ(reached, 1);
}

TEST(AssignOrReturn, IntoFunctionReturningStatus) {
  auto f = [](int v, int* out) -> Status {
    MEDALLION_ASSIGN_OR_RETURN(*out, parse_positive(v));
    return Status::ok();
  };
  int out = -7;
  EXPECT_TRUE(f(4, &out).is_ok());
  EXPECT_EQ(out, 4);
  EXPECT_EQ(f(-2, &out).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(out, 4);  // untouched on error
}

TEST(AssignOrReturn, IntoResultOfOtherType) {
  auto f = [](int v) -> Result<std::string> {
    MEDALLION_ASSIGN_OR_RETURN(auto n, parse_positive(v));
    return std::to_string(n);
  };
  EXPECT_EQ(*f(12), "12");
  EXPECT_EQ(f(0).status().code(), StatusCode::kInvalidArgument);
}

Result<std::unique_ptr<int>> make_owned(bool fail) {
  if (fail) return Status::corruption("bad bytes");
  return std::make_unique<int>(11);
}

TEST(AssignOrReturn, MoveOnlyValue) {
  auto f = [](bool fail) -> Result<int> {
    MEDALLION_ASSIGN_OR_RETURN(std::unique_ptr<int> p, make_owned(fail));
    return *p + 1;
  };
  EXPECT_EQ(*f(false), 12);
  EXPECT_EQ(f(true).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(f(true).status().message(), "bad bytes");
}

TEST(AssignOrReturn, MoveOnlyValueReturnedOnward) {
  auto f = [](bool fail) -> Result<std::unique_ptr<int>> {
    MEDALLION_ASSIGN_OR_RETURN(auto p, make_owned(fail));
    *p += 100;
    return p;
  };
  auto ok = f(false);
  ASSERT_TRUE(ok.is_ok());
  EXPECT_EQ(**ok, 111);
  EXPECT_FALSE(f(true).is_ok());
}

TEST(AssignOrReturn, ErrorWithContextPropagates) {
  auto f = []() -> Status {
    MEDALLION_RETURN_IF_ERROR(Status::not_found("x").with_context("lake"));
    return Status::ok();
  };
  EXPECT_EQ(f().message(), "lake: x");
}

}  // namespace
}  // namespace medallion::util
