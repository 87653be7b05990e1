//! Table-driven tests. Most cases come from the AWS-recorded conformance corpus: each is the
//! `(expression, state input)` a Pass state evaluated and the value AWS returned.

use super::*;
use serde_json::json;

/// A small resolver for tests: `$...` against `input`, `$$...` against `context`, `$name...`
/// against `vars`. Supports `.field` and `[index]` steps; a miss is the AWS missing-argument
/// error.
struct Doc {
    input: Value,
    context: Value,
    vars: Value,
}

impl Doc {
    fn new(input: Value) -> Self {
        Self {
            input,
            context: json!({
                "Execution": {
                    "Id": "arn:aws:states:us-east-1:111111111111:execution:my-machine:exec-1",
                    "Name": "exec-1",
                    "Input": {"FunctionInput": "Value1,Value2"},
                },
                "StateMachine": {
                    "Id": "arn:aws:states:us-east-1:111111111111:stateMachine:my-machine",
                    "Name": "my-machine",
                },
                "Map": {"Item": {"Value": "Pikachu", "Index": 1}},
            }),
            vars: json!({}),
        }
    }

    fn with_vars(mut self, vars: Value) -> Self {
        self.vars = vars;
        self
    }

    fn with_context(mut self, context: Value) -> Self {
        self.context = context;
        self
    }

    fn resolve(&self, expression: &str, path: &str) -> Result<Value, IntrinsicError> {
        let (root, rest) = if let Some(rest) = path.strip_prefix("$$") {
            (&self.context, rest)
        } else if let Some(rest) = path.strip_prefix('$') {
            if rest.is_empty() || rest.starts_with('.') || rest.starts_with('[') {
                (&self.input, rest)
            } else {
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                let (name, rest) = rest.split_at(end);
                match self.vars.get(name) {
                    Some(v) => (v, rest),
                    None => {
                        return Err(IntrinsicError::runtime(format!(
                            "undefined variable {name}"
                        )));
                    }
                }
            }
        } else {
            return Err(IntrinsicError::runtime(format!("bad path {path}")));
        };
        walk(root, rest)
            .cloned()
            .ok_or_else(|| missing_argument_error(expression, path, &self.input))
    }

    fn eval(&self, expression: &str) -> Result<Value, IntrinsicError> {
        evaluate(expression, &|path| self.resolve(expression, path))
    }
}

fn walk<'a>(mut value: &'a Value, path: &str) -> Option<&'a Value> {
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            value = value.get(&r[..end])?;
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let index: usize = r[..end].parse().ok()?;
            value = value.get(index)?;
            rest = &r[end + 1..];
        } else {
            return None;
        }
    }
    Some(value)
}

fn ok(expression: &str, input: Value, expected: Value) {
    let doc = Doc::new(input);
    match doc.eval(expression) {
        Ok(actual) => assert_eq!(actual, expected, "expression: {expression}"),
        Err(e) => panic!("expression {expression} failed: {e}"),
    }
}

fn fails(expression: &str, input: Value, cause: &str) {
    let doc = Doc::new(input);
    match doc.eval(expression) {
        Ok(v) => panic!("expression {expression} succeeded with {v}, expected failure"),
        Err(e) => {
            assert_eq!(e.error, "States.Runtime", "expression: {expression}");
            assert_eq!(e.cause, cause, "expression: {expression}");
        }
    }
}

fn invalid_args(expression: &str, function: &str) -> String {
    format!("The function '{expression}' had the following error: Invalid arguments in {function}")
}

fn fails_invalid(expression: &str, input: Value, function: &str) {
    fails(expression, input, &invalid_args(expression, function));
}

/// Expression fails with some `States.Runtime` error, whatever its cause.
fn fails_any(expression: &str, input: Value) {
    let doc = Doc::new(input);
    match doc.eval(expression) {
        Ok(v) => panic!("expression {expression} succeeded with {v}, expected failure"),
        Err(e) => {
            assert_eq!(e.error, "States.Runtime", "expression: {expression}");
            assert!(!e.cause.is_empty());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// is_intrinsic
// ---------------------------------------------------------------------------------------------

#[test]
fn recognises_intrinsic_invocations() {
    assert!(is_intrinsic("States.Format('{}', $.a)"));
    assert!(is_intrinsic("States.UUID()"));
    assert!(is_intrinsic("  States.Array()"));
    assert!(!is_intrinsic("$.a"));
    assert!(!is_intrinsic("$$.Execution.Id"));
    assert!(!is_intrinsic("$var"));
    assert!(!is_intrinsic("states.Format('x')"));
    assert!(!is_intrinsic(""));
}

// ---------------------------------------------------------------------------------------------
// Corpus cases (expression, input) -> output recorded against AWS
// ---------------------------------------------------------------------------------------------

#[test]
fn corpus_array() {
    let e = "States.Array($.FunctionInput.fst, $.FunctionInput.snd)";
    let table = [
        (json!(""), json!(["", ""])),
        (json!(" "), json!([" ", " "])),
        (json!("HelloWorld"), json!(["HelloWorld", "HelloWorld"])),
        (json!(1), json!([1, 1])),
        (json!(1.1), json!([1.1, 1.1])),
        (
            json!("{\"Arg1\": 1, \"Arg2\": []}"),
            json!(["{\"Arg1\": 1, \"Arg2\": []}", "{\"Arg1\": 1, \"Arg2\": []}"]),
        ),
        (json!(null), json!([null, null])),
        (
            json!({"Arg1": 1, "Arg2": []}),
            json!([{"Arg1": 1, "Arg2": []}, {"Arg1": 1, "Arg2": []}]),
        ),
    ];
    for (value, expected) in table {
        ok(
            e,
            json!({"FunctionInput": {"fst": value.clone(), "snd": value}}),
            expected,
        );
    }
    ok("States.Array()", json!({}), json!([]));
    ok(
        "States.Array($.FunctionInput)",
        json!({"FunctionInput": "HelloWorld"}),
        json!(["HelloWorld"]),
    );
}

#[test]
fn corpus_array_contains() {
    let e = "States.ArrayContains($.FunctionInput.fst, $.FunctionInput.snd)";
    let table = [
        (json!([]), json!(null), false),
        (json!([]), json!([]), false),
        (json!([]), json!(1), false),
        (json!([[1, 2, 3], 2]), json!(null), false),
        (json!([[1, 2, 3], 2]), json!([1, 2, 3]), true),
        (json!([{"1": 2, "2": []}]), json!([]), false),
        (json!([{"1": 2, "2": []}]), json!({"1": 2, "2": []}), true),
        (json!([true, false]), json!(true), true),
        (json!([true, false]), json!(false), true),
    ];
    for (array, needle, expected) in table {
        ok(
            e,
            json!({"FunctionInput": {"fst": array, "snd": needle}}),
            json!(expected),
        );
    }
}

#[test]
fn corpus_array_partition() {
    let e = "States.ArrayPartition($.FunctionInput.fst, $.FunctionInput.snd)";
    let table = [
        (json!([]), 1, json!([])),
        (json!([]), 2, json!([])),
        (json!([]), 3, json!([])),
        (json!([]), 4, json!([])),
        (json!([]), 5, json!([])),
        (json!([0]), 1, json!([[0]])),
        (json!([0]), 2, json!([[0]])),
        (json!([0]), 5, json!([[0]])),
        (json!([0, 1]), 1, json!([[0], [1]])),
        (json!([0, 1]), 2, json!([[0, 1]])),
        (json!([0, 1]), 4, json!([[0, 1]])),
        (json!([0, 1]), 5, json!([[0, 1]])),
        (json!([0, 1, 2]), 1, json!([[0], [1], [2]])),
        (json!([0, 1, 2]), 2, json!([[0, 1], [2]])),
        (json!([0, 1, 2]), 3, json!([[0, 1, 2]])),
        (json!([0, 1, 2]), 5, json!([[0, 1, 2]])),
        (json!([0, 1, 2, 3]), 1, json!([[0], [1], [2], [3]])),
        (json!([0, 1, 2, 3]), 2, json!([[0, 1], [2, 3]])),
        (json!([0, 1, 2, 3]), 3, json!([[0, 1, 2], [3]])),
        (json!([0, 1, 2, 3]), 4, json!([[0, 1, 2, 3]])),
    ];
    for (array, size, expected) in table {
        ok(
            e,
            json!({"FunctionInput": {"fst": array, "snd": size}}),
            expected,
        );
    }
}

#[test]
fn corpus_array_range() {
    let e = "States.ArrayRange($.FunctionInput.fst, $.FunctionInput.snd, $.FunctionInput.trd)";
    let table = [
        ((1, 9, 2), json!([1, 3, 5, 7, 9])),
        ((0, 9, 3), json!([0, 3, 6, 9])),
        ((0, 10, 3), json!([0, 3, 6, 9])),
        ((1, 9, 9), json!([1])),
    ];
    for ((fst, snd, trd), expected) in table {
        ok(
            e,
            json!({"FunctionInput": {"fst": fst, "snd": snd, "trd": trd}}),
            expected,
        );
    }
    ok("States.ArrayRange(0, 3, 1)", json!({}), json!([0, 1, 2, 3]));
}

#[test]
fn corpus_array_get_item_length_unique() {
    ok(
        "States.ArrayGetItem($.FunctionInput.fst, $.FunctionInput.snd)",
        json!({"FunctionInput": {"fst": [1, 2, 3, 4, 5, 6, 7, 8, 9], "snd": 5}}),
        json!(6),
    );
    ok(
        "States.ArrayLength($.FunctionInput)",
        json!({"FunctionInput": [1, 2, 3, 4, 5, 6, 7, 8, 9]}),
        json!(9),
    );
    ok(
        "States.ArrayUnique($.FunctionInput)",
        json!({"FunctionInput": [
            null, null, true, true, false, false, 1, 1, 1.1, 0, -0, "HelloWorld", "HelloWorld",
            [], [], [null], [null], {"a": 1, "b": 2}, {"a": 1, "b": 2}, {"a": 1, "b": 1}
        ]}),
        json!([
            null, true, false, 1, 1.1, 0, "HelloWorld", [], [null], {"a": 1, "b": 2},
            {"a": 1, "b": 1}
        ]),
    );
    ok(
        "States.ArrayUnique($.a)",
        json!({"a": [1, 2, 3, 3, 3, 3, 3, 3, 4]}),
        json!([1, 2, 3, 4]),
    );
}

#[test]
fn corpus_base64() {
    ok(
        "States.Base64Decode($.FunctionInput)",
        json!({"FunctionInput": ""}),
        json!(""),
    );
    ok(
        "States.Base64Decode($.FunctionInput)",
        json!({"FunctionInput": "RGF0YSB0byBlbmNvZGU="}),
        json!("Data to encode"),
    );
    ok(
        "States.Base64Encode($.FunctionInput)",
        json!({"FunctionInput": ""}),
        json!(""),
    );
    ok(
        "States.Base64Encode($.FunctionInput)",
        json!({"FunctionInput": "Data to encode"}),
        json!("RGF0YSB0byBlbmNvZGU="),
    );
}

#[test]
fn corpus_format() {
    let e1 = "States.Format('Formatting argument {}.', $.FunctionInput)";
    let table1 = [
        (json!(""), "Formatting argument ."),
        (json!(" "), "Formatting argument  ."),
        (json!("HelloWorld"), "Formatting argument HelloWorld."),
        (json!(null), "Formatting argument null."),
        (json!(1), "Formatting argument 1."),
        (json!(1.1), "Formatting argument 1.1."),
        (
            json!("{\"Arg1\": 1, \"Arg2\": []}"),
            "Formatting argument {\"Arg1\": 1, \"Arg2\": []}.",
        ),
    ];
    for (value, expected) in table1 {
        ok(e1, json!({"FunctionInput": value}), json!(expected));
    }
    let e2 = "States.Format('Formatting arguments fst={} and snd={}.', $.FunctionInput.fst, $.FunctionInput.snd)";
    let table2 = [
        (json!(""), "Formatting arguments fst= and snd=."),
        (json!(" "), "Formatting arguments fst=  and snd= ."),
        (
            json!("HelloWorld"),
            "Formatting arguments fst=HelloWorld and snd=HelloWorld.",
        ),
        (json!(null), "Formatting arguments fst=null and snd=null."),
        (json!(1), "Formatting arguments fst=1 and snd=1."),
        (json!(1.1), "Formatting arguments fst=1.1 and snd=1.1."),
        (
            json!("{\"Arg1\": 1, \"Arg2\": []}"),
            "Formatting arguments fst={\"Arg1\": 1, \"Arg2\": []} and snd={\"Arg1\": 1, \"Arg2\": []}.",
        ),
        (
            json!({"Arg1": 1, "Arg2": []}),
            "Formatting arguments fst={Arg1=1, Arg2=[]} and snd={Arg1=1, Arg2=[]}.",
        ),
    ];
    for (value, expected) in table2 {
        ok(
            e2,
            json!({"FunctionInput": {"fst": value.clone(), "snd": value}}),
            json!(expected),
        );
    }
}

#[test]
fn corpus_format_context_object() {
    let doc = Doc::new(json!({"FunctionInput": null}));
    let out = doc.eval(
        "States.Format('Formatting arguments fst={} and snd={}.', $$.Execution.Name, $$.StateMachine)",
    );
    assert_eq!(
        out,
        Ok(json!(
            "Formatting arguments fst=exec-1 and snd={Id=arn:aws:states:us-east-1:111111111111:stateMachine:my-machine, Name=my-machine}."
        ))
    );
}

#[test]
fn corpus_format_in_fail_state_paths() {
    let input = json!({"Error": "error string", "Cause": "cause string"});
    ok(
        "States.Format('{}', $.Error)",
        input.clone(),
        json!("error string"),
    );
    ok(
        "States.Format('This is a custom error message for {}, caused by {}.', $.Error, $.Cause)",
        input,
        json!("This is a custom error message for error string, caused by cause string."),
    );
}

#[test]
fn corpus_nested_calls() {
    let context = json!({"StateMachine": {"Name": "first-second-third"}});
    let doc = Doc::new(json!({"FunctionInput": null})).with_context(context);
    assert_eq!(
        doc.eval("States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), 0)"),
        Ok(json!("first"))
    );
    assert_eq!(
        doc.eval(
            "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), States.MathAdd(States.ArrayLength(States.StringSplit($$.StateMachine.Name, '-')), -1))"
        ),
        Ok(json!("third"))
    );
}

#[test]
fn corpus_escape_sequence_string_split() {
    // The JSON definition holds a real newline character inside the literals.
    ok(
        "States.StringSplit('Hello\nWorld', '\n')",
        json!({"FunctionInput": null}),
        json!(["Hello", "World"]),
    );
}

#[test]
fn corpus_hash() {
    let e = "States.Hash($.FunctionInput.fst, $.FunctionInput.snd)";
    let table = [
        ("MD5", "812f45842bc6d66ee14572ce20db8e86"),
        ("SHA-1", "aaff4a450a104cd177d28d18d74485e8cae074b7"),
        (
            "SHA-256",
            "b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3",
        ),
        (
            "SHA-384",
            "d28a7d5cf25a74f11a50a18452b75e04bb3d70c9dd0510d6123aa008c756511b87525bdc835ebb27e1fb9e9374a15562",
        ),
        (
            "SHA-512",
            "6ce4adb348546d4f449c4d25aad9a7c9cb711d9e91982d3f0b29ca2f3f47d4ce2deba23bf2954f0f1d593fc50283731a533d30d425402d4f91316d871303aac4",
        ),
    ];
    for (algorithm, expected) in table {
        ok(
            e,
            json!({"FunctionInput": {"fst": "input data", "snd": algorithm}}),
            json!(expected),
        );
    }
}

#[test]
fn corpus_json_merge() {
    ok(
        "States.JsonMerge($.FunctionInput.fst, $.FunctionInput.snd, false)",
        json!({"FunctionInput": {
            "fst": {"a": {"a1": 1, "a2": 2}, "b": 2, "d": 3},
            "snd": {"a": {"a3": 1, "a4": 2}, "c": 3, "d": 4}
        }}),
        json!({"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3, "d": 4}),
    );
    let doc = Doc::new(json!({})).with_context(json!({
        "Execution": {"Input": {"input_field": {"constant_input_field": "constant_value"}}}
    }));
    assert_eq!(
        doc.eval(
            "States.JsonMerge(States.StringToJson('{\"constant_in_literal\": \"false\"}'), $$.Execution.Input.input_field, false)"
        ),
        Ok(json!({"constant_in_literal": "false", "constant_input_field": "constant_value"}))
    );
}

#[test]
fn corpus_json_to_string() {
    let e = "States.JsonToString($.FunctionInput)";
    let table = [
        (json!(null), "null"),
        (json!(0), "0"),
        (json!(-0), "0"),
        (json!(1), "1"),
        (json!(1.1), "1.1"),
        (json!(true), "true"),
        (json!("HelloWorld"), "\"HelloWorld\""),
        (json!([1, 2, "HelloWorld"]), "[1,2,\"HelloWorld\"]"),
        (json!({"Arg1": 1, "Arg2": []}), "{\"Arg1\":1,\"Arg2\":[]}"),
    ];
    for (value, expected) in table {
        ok(e, json!({"FunctionInput": value}), json!(expected));
    }
}

#[test]
fn corpus_string_to_json() {
    let e = "States.StringToJson($.FunctionInput)";
    let table = [
        ("", json!(null)),
        (" ", json!(null)),
        ("null", json!(null)),
        ("-0", json!(0)),
        ("1", json!(1)),
        ("1.1", json!(1.1)),
        ("true", json!(true)),
        ("\"HelloWorld\"", json!("HelloWorld")),
        ("[1, 2, \"HelloWorld\"]", json!([1, 2, "HelloWorld"])),
        (
            "{\"Arg1\": 1, \"Arg2\": []}",
            json!({"Arg1": 1, "Arg2": []}),
        ),
    ];
    for (text, expected) in table {
        ok(e, json!({"FunctionInput": text}), expected);
    }
    ok(
        "States.StringToJson('{\"text\":\"An \\\\\"escaped double quote\\\\\" here\"}')",
        json!({}),
        json!({"text": "An \"escaped double quote\" here"}),
    );
}

#[test]
fn corpus_math_add() {
    let e = "States.MathAdd($.FunctionInput.fst, $.FunctionInput.snd)";
    let table = [
        (json!(-9), json!(3), -6),
        (json!(1.49), json!(1.5), 3),
        (json!(1.5), json!(1.51), 4),
        (json!(-1.49), json!(-1.5), -2),
        (json!(-1.5), json!(-1.51), -3),
        (json!(1.49), json!(0), 1),
        (json!(1.49), json!(-1.49), 0),
        (json!(1.5), json!(0), 2),
        (json!(1.51), json!(0), 2),
        (json!(-1.49), json!(0), -1),
        (json!(-1.5), json!(0), -1),
        (json!(-1.51), json!(0), -2),
        (json!(0.5), json!(0), 1),
        (json!(1.5), json!(0), 2),
        (json!(2.5), json!(0), 3),
        (json!(3.5), json!(0), 4),
        (json!(-0.5), json!(0.5), 1),
        (json!(-0.5), json!(0), 0),
        (json!(-1.5), json!(0), -1),
        (json!(-2.5), json!(0), -2),
        (json!(-3.5), json!(0), -3),
    ];
    for (a, b, expected) in table {
        ok(
            e,
            json!({"FunctionInput": {"fst": a, "snd": b}}),
            json!(expected),
        );
    }
    ok(
        "States.MathAdd($.Iterations, -1)",
        json!({"Iterations": 3}),
        json!(2),
    );
}

#[test]
fn corpus_math_random() {
    let doc = Doc::new(json!({"FunctionInput": {"fst": 12.5, "snd": 44.51}}));
    for _ in 0..200 {
        let v = doc
            .eval("States.MathRandom($.FunctionInput.fst, $.FunctionInput.snd)")
            .ok()
            .and_then(|v| v.as_i64());
        assert!(matches!(v, Some(12..=43)), "{v:?}");
    }
    let doc = Doc::new(json!({"FunctionInput": {"fst": 9999, "snd": 99999}}));
    let v = doc
        .eval("States.MathRandom($.FunctionInput.fst, $.FunctionInput.snd)")
        .ok()
        .and_then(|v| v.as_i64());
    assert!(matches!(v, Some(9999..=99998)), "{v:?}");
    let doc = Doc::new(json!({"FunctionInput": {"fst": -99999, "snd": -9999}}));
    let v = doc
        .eval("States.MathRandom($.FunctionInput.fst, $.FunctionInput.snd)")
        .ok()
        .and_then(|v| v.as_i64());
    assert!(matches!(v, Some(-99999..=-10000)), "{v:?}");
    let doc = Doc::new(json!({"FunctionInput": {"fst": 0, "snd": 999, "trd": 3}}));
    let e = "States.MathRandom($.FunctionInput.fst, $.FunctionInput.snd, $.FunctionInput.trd)";
    let first = doc.eval(e);
    let v = first.clone().ok().and_then(|v| v.as_i64());
    assert!(matches!(v, Some(0..=998)), "{v:?}");
    for _ in 0..10 {
        assert_eq!(doc.eval(e), first, "a seeded MathRandom is deterministic");
    }
}

#[test]
fn corpus_string_split() {
    let e = "States.StringSplit($.FunctionInput.fst, $.FunctionInput.snd)";
    let table = [
        ("1,2,3,4,5", ",", json!(["1", "2", "3", "4", "5"])),
        (
            "This.is+a,test=string",
            ".+,=",
            json!(["This", "is", "a", "test", "string"]),
        ),
        (",,,,", ",", json!([])),
    ];
    for (text, delimiter, expected) in table {
        ok(
            e,
            json!({"FunctionInput": {"fst": text, "snd": delimiter}}),
            expected,
        );
    }
    let context = json!({"Execution": {"Input": {"FunctionInput":
        "Value1,Value2,Value3\nValue4,Value5,Value6\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n"}}});
    let doc = Doc::new(json!({})).with_context(context);
    assert_eq!(
        doc.eval("States.StringSplit($$.Execution.Input.FunctionInput, ',')"),
        Ok(json!([
            "Value1",
            "Value2",
            "Value3\nValue4",
            "Value5",
            "Value6\n",
            "\ntrue",
            "1",
            "'HelloWorld'\nNull",
            "None",
            "\n   \n"
        ]))
    );
}

#[test]
fn corpus_variables_in_intrinsics() {
    let doc = Doc::new(json!({})).with_vars(json!({
        "inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9],
        "rawString": "Hello World",
        "encodedString": "SGVsbG8gV29ybGQ=",
        "inputString": "Hash this string",
        "json1": {"a": 1, "b": 2},
        "json2": {"c": 3, "d": 4},
        "jsonString": "{\"key\":\"value\"}",
        "jsonObject": {"test": "object"},
        "value1": 5,
        "value2": 3,
        "csvString": "a,b,c,d,e",
        "name": "John",
        "place": "LocalStack",
        "AnswerTemplate": "It's {}!",
    }));
    let table = [
        ("States.Base64Encode($rawString)", json!("SGVsbG8gV29ybGQ=")),
        ("States.Base64Decode($encodedString)", json!("Hello World")),
        (
            "States.Hash($inputString, 'SHA-256')",
            json!("1cac63f39fd68d8c531f27b807610fb3d50f0fc3f186995767fb6316e7200a3e"),
        ),
        (
            "States.JsonMerge($json1, $json2, false)",
            json!({"a": 1, "b": 2, "c": 3, "d": 4}),
        ),
        ("States.StringToJson($jsonString)", json!({"key": "value"})),
        (
            "States.JsonToString($jsonObject)",
            json!("{\"test\":\"object\"}"),
        ),
        ("States.MathAdd($value1, $value2)", json!(8)),
        (
            "States.StringSplit($csvString, ',')",
            json!(["a", "b", "c", "d", "e"]),
        ),
        (
            "States.Format('Hello {}, welcome to {}!', $name, $place)",
            json!("Hello John, welcome to LocalStack!"),
        ),
        (
            "States.Format($AnswerTemplate, $$.Map.Item.Value)",
            json!("It's Pikachu!"),
        ),
    ];
    for (expression, expected) in table {
        assert_eq!(doc.eval(expression), Ok(expected), "{expression}");
    }
    let uuid = doc.eval("States.UUID()");
    let text = uuid.ok().and_then(|v| v.as_str().map(str::to_string));
    let parsed = text.as_deref().and_then(|t| uuid::Uuid::parse_str(t).ok());
    assert_eq!(parsed.map(|u| u.get_version_num()), Some(4));
}

#[test]
fn corpus_nested_math_add_with_variables() {
    let doc = Doc::new(json!({})).with_vars(json!({
        "xCurrent": 9, "yCurrent": 44, "zCurrent": 6, "bias": 4.3
    }));
    assert_eq!(
        doc.eval(
            "States.MathAdd(States.MathAdd(States.MathAdd($yCurrent, $xCurrent), $zCurrent), $bias)"
        ),
        Ok(json!(63))
    );
}

// ---------------------------------------------------------------------------------------------
// Behaviours observed on AWS beyond the corpus
// ---------------------------------------------------------------------------------------------

#[test]
fn truncating_integer_arguments() {
    ok(
        "States.ArrayRange(1.4, 5.6, 2.2)",
        json!({}),
        json!([1, 3, 5]),
    );
    ok("States.ArrayRange(1.6, 1.4, 1)", json!({}), json!([1]));
    ok(
        "States.ArrayRange(5.4, -0.6, -2.4)",
        json!({}),
        json!([5, 3, 1]),
    );
    ok(
        "States.ArrayPartition($.arr, 2.6)",
        json!({"arr": [1, 2, 3, 4, 5]}),
        json!([[1, 2], [3, 4], [5]]),
    );
    ok(
        "States.ArrayGetItem($.arr, 1.2)",
        json!({"arr": [10, 20, 30]}),
        json!(20),
    );
    fails_invalid(
        "States.ArrayPartition($.arr, 0.6)",
        json!({"arr": [1]}),
        "States.ArrayPartition",
    );
    fails_invalid(
        "States.MathRandom(1.4, 1.6)",
        json!({}),
        "States.MathRandom",
    );
}

#[test]
fn array_range_edges() {
    ok("States.ArrayRange(-2, 2, 2)", json!({}), json!([-2, 0, 2]));
    ok("States.ArrayRange(3, 3, 1)", json!({}), json!([3]));
    ok("States.ArrayRange(3, 3, -1)", json!({}), json!([3]));
    ok("States.ArrayRange(5, 1, -2)", json!({}), json!([5, 3, 1]));
    ok("States.ArrayRange(5, 1, 1)", json!({}), json!([]));
    ok("States.ArrayRange(1, 5, -1)", json!({}), json!([]));
    let doc = Doc::new(json!({}));
    let long = doc.eval("States.ArrayRange(1, 1000, 1)");
    assert_eq!(
        long.ok().and_then(|v| v.as_array().map(Vec::len)),
        Some(1000)
    );
    let long = doc.eval("States.ArrayRange(1000, 1, -1)");
    assert_eq!(
        long.ok().and_then(|v| v.as_array().map(Vec::len)),
        Some(1000)
    );
    fails_invalid(
        "States.ArrayRange(1, 1001, 1)",
        json!({}),
        "States.ArrayRange",
    );
    fails_invalid(
        "States.ArrayRange(1001, 1, -1)",
        json!({}),
        "States.ArrayRange",
    );
    fails_invalid(
        "States.ArrayRange(1, 10, 0)",
        json!({}),
        "States.ArrayRange",
    );
    fails_invalid(
        "States.ArrayRange(1, 10, 0.49)",
        json!({}),
        "States.ArrayRange",
    );
    fails_invalid(
        "States.ArrayRange('a', 5, 1)",
        json!({}),
        "States.ArrayRange",
    );
    fails_invalid(
        "States.ArrayRange(1, 'b', 1)",
        json!({}),
        "States.ArrayRange",
    );
    fails_invalid(
        "States.ArrayRange(1, 5, 'c')",
        json!({}),
        "States.ArrayRange",
    );
    fails_invalid("States.ArrayRange(1, 5)", json!({}), "States.ArrayRange");
    fails_invalid(
        "States.ArrayRange(1, 5, 1, 99)",
        json!({}),
        "States.ArrayRange",
    );
    fails_invalid(
        "States.ArrayRange(-2147483648, 2147483647, 1)",
        json!({}),
        "States.ArrayRange",
    );
    ok(
        "States.ArrayRange(States.MathAdd($.base, 1), States.MathAdd($.base, 5), 2)",
        json!({"base": 0}),
        json!([1, 3, 5]),
    );
}

#[test]
fn array_partition_errors() {
    let input = json!({"arr": [1, 2, 3]});
    for e in [
        "States.ArrayPartition($.arr, 0.49)",
        "States.ArrayPartition($.arr, -0.4)",
        "States.ArrayPartition($.arr, -0.6)",
        "States.ArrayPartition('not-array', 2)",
        "States.ArrayPartition($.arr, '2')",
        "States.ArrayPartition($.arr, null)",
        "States.ArrayPartition($.arr, 0)",
        "States.ArrayPartition($.arr, -1)",
        "States.ArrayPartition($.arr)",
        "States.ArrayPartition($.arr, 2, 999)",
    ] {
        fails_invalid(e, input.clone(), "States.ArrayPartition");
    }
    ok(
        "States.ArrayPartition($.arr, 2147483647)",
        input,
        json!([[1, 2, 3]]),
    );
    ok(
        "States.ArrayPartition(States.Array(1,2,3,4,5), 2)",
        json!({}),
        json!([[1, 2], [3, 4], [5]]),
    );
}

#[test]
fn array_get_item_edges() {
    let input = json!({"arr": [10, 20, 30]});
    ok("States.ArrayGetItem($.arr, 0)", input.clone(), json!(10));
    ok("States.ArrayGetItem($.arr, 2)", input.clone(), json!(30));
    ok(
        "States.ArrayGetItem($.arr, 999)",
        json!({"arr": []}),
        json!(null),
    );
    ok(
        "States.ArrayGetItem(States.Array('x', 'y', 'z'), 1)",
        json!({}),
        json!("y"),
    );
    ok(
        "States.ArrayGetItem($.arr, 0)",
        json!({"arr": [null]}),
        json!(null),
    );
    for e in [
        "States.ArrayGetItem($.arr, 3)",
        "States.ArrayGetItem($.arr, -1)",
        "States.ArrayGetItem($.arr, '1')",
        "States.ArrayGetItem('not-array', 0)",
        "States.ArrayGetItem($.arr)",
        "States.ArrayGetItem($.arr, 1, 999)",
    ] {
        fails_invalid(e, input.clone(), "States.ArrayGetItem");
    }
}

#[test]
fn array_type_errors() {
    fails_invalid(
        "States.ArrayLength($.s)",
        json!({"s": "abc"}),
        "States.ArrayLength",
    );
    fails_invalid(
        "States.ArrayUnique($.s)",
        json!({"s": {}}),
        "States.ArrayUnique",
    );
    fails_invalid(
        "States.ArrayContains($.s, 1)",
        json!({"s": "1"}),
        "States.ArrayContains",
    );
    ok("States.ArrayLength($.a)", json!({"a": []}), json!(0));
    // AWS compares text forms: 1 and 1.0 differ, "true" and true match, key order matters.
    ok(
        "States.ArrayContains($.arr, true)",
        json!({"arr": ["true", "false"]}),
        json!(true),
    );
    ok(
        "States.ArrayContains($.arr, $.t)",
        json!({"arr": ["-1", "9007199254740991"], "t": 9_007_199_254_740_991_i64}),
        json!(true),
    );
    ok(
        "States.ArrayContains($.arr, $.t)",
        json!({"arr": [{"a": 1, "b": 2}], "t": {"b": 2, "a": 1}}),
        json!(false),
    );
    ok(
        "States.ArrayContains($.arr, $.t)",
        json!({"arr": [{"a": 1}], "t": {"a": 1, "extra": null}}),
        json!(false),
    );
    ok(
        "States.ArrayContains($.arr, false)",
        json!({"arr": [0, 1, -1, -1.5]}),
        json!(false),
    );
    ok(
        "States.ArrayContains($.arr, $.t)",
        json!({"arr": [null, "", " ", 0, 1, true, false, [0, 1, false]], "t": [0, 1, false]}),
        json!(true),
    );
    ok(
        "States.ArrayContains($.arr, null)",
        json!({"arr": [1, null, 3]}),
        json!(true),
    );
    ok(
        "States.ArrayContains(States.Array(1, 2, 3), 2)",
        json!({}),
        json!(true),
    );
    ok(
        "States.ArrayContains($.a, 1)",
        json!({"a": [1.0]}),
        json!(false),
    );
    ok(
        "States.ArrayContains($.a, 1)",
        json!({"a": [1]}),
        json!(true),
    );
}

#[test]
fn format_rendering() {
    let input = json!({
        "a": "x", "b": 2, "c": true, "nil": null, "neg": -1, "frac": 3.5,
        "big": 9007199254740991_i64, "whole": 3.0, "huge": 1e20, "tiny": 0.0001,
        "list": [1, "two", null, [3], {"k": "v"}], "obj": {"k": 1.5, "n": {"m": [true]}},
    });
    ok(
        "States.Format('{} {} {}', $.a, $.b, $.c)",
        input.clone(),
        json!("x 2 true"),
    );
    ok(
        "States.Format('{}|{}|{}|{}|{}', $.nil, $.c, $.neg, $.frac, $.big)",
        input.clone(),
        json!("null|true|-1|3.5|9007199254740991"),
    );
    ok(
        "States.Format('{} {} {}', $.whole, $.huge, $.tiny)",
        input.clone(),
        json!("3.0 1.0E20 1.0E-4"),
    );
    ok(
        "States.Format('{}', $.list)",
        input.clone(),
        json!("[1, two, null, [3], {k=v}]"),
    );
    ok(
        "States.Format('{}', $.obj)",
        input.clone(),
        json!("{k=1.5, n={m=[true]}}"),
    );
    ok("States.Format('{}', $)", json!({}), json!("{}"));
    ok(
        "States.Format('no placeholders')",
        json!({}),
        json!("no placeholders"),
    );
    ok(
        "States.Format('  {}  ', $.a)",
        input.clone(),
        json!("  x  "),
    );
    ok(
        "States.Format($.t, $.a)",
        json!({"t": "Hello {}", "a": "Ada"}),
        json!("Hello Ada"),
    );
    ok(
        "States.Format('arn:{}:{}', $.svc, States.JsonToString($.obj))",
        json!({"svc": "lambda", "obj": {"k": 1}}),
        json!("arn:lambda:{\"k\":1}"),
    );
    ok(
        "States.Format('probe={}', States.JsonToString($.probe))",
        json!({"probe": [null, "", " ", 0, 1, true, false, [0, 1, false]]}),
        json!("probe=[null,\"\",\" \",0,1,true,false,[0,1,false]]"),
    );
    ok(
        "States.Format('{}', States.ArrayLength($.a))",
        json!({"a": [1, 2]}),
        json!("2"),
    );
}

#[test]
fn format_escapes() {
    ok(
        r"States.Format('Name: \'{}\', Surname: \{{}\}', $.a, $.b)",
        json!({"a": "Gabriel", "b": "Moreira"}),
        json!("Name: 'Gabriel', Surname: {Moreira}"),
    );
    ok(
        r"States.Format('back\\slash {}', 1)",
        json!({}),
        json!(r"back\slash 1"),
    );
    ok(r"States.Format('\{\}')", json!({}), json!("{}"));
    // A template taken from a path has no escape processing.
    ok(
        r"States.Format($.t, 1)",
        json!({"t": r"a\b {}"}),
        json!(r"a\b 1"),
    );
}

#[test]
fn format_errors() {
    let input = json!({"a": "x", "b": "y", "template": 123});
    let count = |e: &str| {
        format!(
            "The function '{e}' had the following error: Invalid arguments in States.Format: \
             number of arguments do not match the occurrences of {{}}."
        )
    };
    let e = "States.Format('{} {}', $.a)";
    fails(e, input.clone(), &count(e));
    let e = "States.Format('{}', $.a, $.b)";
    fails(e, input.clone(), &count(e));
    let e = "States.Format('Hello {', $.a)";
    fails(
        e,
        input.clone(),
        &format!(
            "The function '{e}' had the following error: Invalid template in States.Format: \
             matching '}}' not found for '{{'."
        ),
    );
    fails_any("States.Format('Hello {{}}', $.a)", input.clone());
    fails_any("States.Format('}')", input.clone());
    fails_invalid(
        "States.Format($.template, $.a)",
        input.clone(),
        "States.Format",
    );
    fails_invalid("States.Format(1)", input.clone(), "States.Format");
    fails_invalid("States.Format()", input, "States.Format");
}

#[test]
fn json_functions() {
    ok(
        "States.JsonToString($.o)",
        json!({"o": {"z": 1, "a": [1.5, "é/\"\\\n\u{1}"], "m": {}}}),
        json!("{\"z\":1,\"a\":[1.5,\"é/\\\"\\\\\\n\\u0001\"],\"m\":{}}"),
    );
    ok(
        "States.JsonToString($)",
        json!({"other": 1}),
        json!("{\"other\":1}"),
    );
    ok(
        "States.JsonToString($.f)",
        json!({"f": 1e21}),
        json!("1.0E21"),
    );
    fails_invalid(
        "States.StringToJson($.s)",
        json!({"s": "{not json"}),
        "States.StringToJson",
    );
    fails_invalid(
        "States.StringToJson($.s)",
        json!({"s": 12}),
        "States.StringToJson",
    );
    fails_invalid(
        "States.StringToJson($.s)",
        json!({"s": "1 2"}),
        "States.StringToJson",
    );
    ok(
        "States.StringToJson($.s)",
        json!({"s": "  [1]\n"}),
        json!([1]),
    );
    let merge = "States.JsonMerge($.a, $.b, true)";
    fails_invalid(
        merge,
        json!({"a": {"x": 1}, "b": {"y": 2}}),
        "States.JsonMerge",
    );
    fails_invalid(
        "States.JsonMerge($.b, $.b, 'true')",
        json!({"b": {}}),
        "States.JsonMerge",
    );
    ok(
        "States.JsonMerge($.a, $.b, $.deep)",
        json!({"a": {"x": 1}, "b": {"y": 2}, "deep": "false"}),
        json!({"x": 1, "y": 2}),
    );
    ok(
        "States.JsonMerge($.a, $.b, false)",
        json!({"a": {"nested": {"left": true}, "keep": 1}, "b": {"nested": null}}),
        json!({"nested": null, "keep": 1}),
    );
    for e in [
        "States.JsonMerge($.a, $.b, false)",
        "States.JsonMerge($.b, $.a, false)",
        "States.JsonMerge($.b, $.n, false)",
        "States.JsonMerge($.b, $.b)",
        "States.JsonMerge($.b, $.b, false, $.n)",
    ] {
        fails_invalid(
            e,
            json!({"a": [1, 2], "b": {"y": 2}, "n": 3}),
            "States.JsonMerge",
        );
    }
    ok(
        "States.JsonMerge($.a, $.b, false)",
        json!({"a": {"x": 1, "y": 2}, "b": {"y": 9, "z": 3}}),
        json!({"x": 1, "y": 9, "z": 3}),
    );
}

#[test]
fn encoding_functions() {
    ok("States.Base64Encode('>>>')", json!({}), json!("Pj4+"));
    ok("States.Base64Encode('???')", json!({}), json!("Pz8/"));
    ok("States.Base64Decode('4pyT')", json!({}), json!("✓"));
    ok(
        "States.Base64Decode('44GT44KT44Gr44Gh44Gv')",
        json!({}),
        json!("こんにちは"),
    );
    ok(
        "States.Base64Decode('YWJjAGRlZg==')",
        json!({}),
        json!("abc\u{0}def"),
    );
    ok(
        "States.Base64Decode(' YWJjZA== ')",
        json!({}),
        json!("abcd"),
    );
    ok("States.Base64Decode('abc')", json!({}), json!("i\u{fffd}"));
    ok(
        "States.Base64Decode(States.Base64Encode($.s))",
        json!({"s": "round trip value"}),
        json!("round trip value"),
    );
    let a10000 = "a".repeat(10_000);
    let doc = Doc::new(json!({ "s": a10000 }));
    let encoded = doc.eval("States.Base64Encode($.s)");
    assert_eq!(
        encoded.ok().and_then(|v| v.as_str().map(str::len)),
        Some(13_336)
    );
    let a10001 = "a".repeat(10_001);
    fails_invalid(
        "States.Base64Encode($.s)",
        json!({ "s": a10001 }),
        "States.Base64Encode",
    );
    let b10001 = "A".repeat(10_001);
    fails_invalid(
        "States.Base64Decode($.s)",
        json!({ "s": b10001 }),
        "States.Base64Decode",
    );
    fails_invalid("States.Base64Decode(123)", json!({}), "States.Base64Decode");
    fails_invalid(
        "States.Base64Decode($.o)",
        json!({"o": {}}),
        "States.Base64Decode",
    );
    fails_invalid("States.Base64Decode()", json!({}), "States.Base64Decode");
    fails_invalid(
        "States.Base64Decode('aGVsbG8=', 'extra')",
        json!({}),
        "States.Base64Decode",
    );
    fails_invalid(
        "States.Base64Encode($.n)",
        json!({"n": 5}),
        "States.Base64Encode",
    );
}

#[test]
fn hash_errors() {
    let input = json!({"d": "input data", "long": "x".repeat(10_001)});
    fails_invalid("States.Hash($.d, 'SHA256')", input.clone(), "States.Hash");
    fails_invalid("States.Hash($.d, 'sha-256')", input.clone(), "States.Hash");
    fails_invalid("States.Hash($.d, 'SHA-224')", input.clone(), "States.Hash");
    fails_invalid("States.Hash($.long, 'MD5')", input.clone(), "States.Hash");
    fails_invalid("States.Hash($.d)", input.clone(), "States.Hash");
    fails_invalid("States.Hash('hello', 123)", input.clone(), "States.Hash");
    fails_invalid("States.Hash('data', 'MD-5')", input.clone(), "States.Hash");
    fails_invalid("States.Hash('data', '')", input, "States.Hash");
    // Non-string data is hashed through its text form.
    ok(
        "States.Hash(123, 'MD5')",
        json!({}),
        json!("202cb962ac59075b964b07152d234b70"),
    );
    ok(
        "States.Hash('hello', 'SHA-384')",
        json!({}),
        json!(
            "59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90125a3c79f90397bdf5f6a13de828684f"
        ),
    );
    ok(
        "States.Hash('🚀', 'SHA-256')",
        json!({}),
        json!("ebbc0b2870eb323f2b6cffa5c493ceef81ae7eb36afc73d4e0367301631daec5"),
    );
    ok(
        "States.Hash(States.Format('{}:{}', $.a, $.b), 'SHA-256')",
        json!({"a": "x", "b": "y"}),
        json!("1274e286686b54fe765ec40735665b4bf789cee2a5b22124c5e0491a88e15271"),
    );
}

#[test]
fn string_split_edges() {
    ok(
        "States.StringSplit(',,a,,b,,', ',')",
        json!({}),
        json!(["a", "b"]),
    );
    ok("States.StringSplit('...', '.')", json!({}), json!([]));
    ok(
        "States.StringSplit('a😀b😀c', '😀')",
        json!({}),
        json!(["a", "b", "c"]),
    );
    ok("States.StringSplit('😁', '😀')", json!({}), json!(["😁"]));
    ok("States.StringSplit('abc', '')", json!({}), json!(["abc"]));
    ok("States.StringSplit('', ',')", json!({}), json!([]));
    ok(
        "States.StringSplit('This.is+a,test=string', '.+,=')",
        json!({}),
        json!(["This", "is", "a", "test", "string"]),
    );
    fails_invalid(
        "States.StringSplit($.n, ',')",
        json!({"n": 7}),
        "States.StringSplit",
    );
    fails_invalid("States.StringSplit('a,b')", json!({}), "States.StringSplit");
}

#[test]
fn math_edges() {
    ok("States.MathAdd(1111, -1)", json!({}), json!(1110));
    ok(
        "States.MathAdd(2147483646, 1)",
        json!({}),
        json!(2147483647),
    );
    fails_invalid("States.MathAdd(2147483647, 1)", json!({}), "States.MathAdd");
    fails_invalid("States.MathAdd(2147483648, 0)", json!({}), "States.MathAdd");
    fails_invalid(
        "States.MathAdd($.a, $.b)",
        json!({"a": 1, "b": "NOT A NUMBER"}),
        "States.MathAdd",
    );
    fails_invalid("States.MathAdd(1)", json!({}), "States.MathAdd");
    fails_invalid("States.MathAdd(null, 1)", json!({}), "States.MathAdd");
    for e in [
        "States.MathRandom(1, 1)",
        "States.MathRandom(10, 5)",
        "States.MathRandom(1.49, 1.49)",
        "States.MathRandom('a', 10)",
        "States.MathRandom(1, 'b')",
        "States.MathRandom(1, 10, 'seed')",
        "States.MathRandom(1, 10, null)",
        "States.MathRandom(1)",
        "States.MathRandom(1, 10, 5, 99)",
    ] {
        fails_invalid(e, json!({}), "States.MathRandom");
    }
    let doc = Doc::new(json!({}));
    for e in [
        "States.MathRandom(1, 10, -10)",
        "States.MathRandom(1, 10, 0)",
        "States.MathRandom(1.6, 5.4)",
    ] {
        let v = doc.eval(e).ok().and_then(|v| v.as_i64());
        assert!(matches!(v, Some(1..=9)), "{e}: {v:?}");
    }
    let v = doc
        .eval("States.MathRandom(2147483640, 2147483647, 1)")
        .ok()
        .and_then(|v| v.as_i64());
    assert!(matches!(v, Some(2147483640..=2147483646)), "{v:?}");
    assert_eq!(
        doc.eval("States.MathRandom(1, 100, 42)"),
        doc.eval("States.MathRandom(1, 100, 42)")
    );
}

#[test]
fn uuid_function() {
    let doc = Doc::new(json!({}));
    let a = doc.eval("States.UUID()");
    let b = doc.eval("States.UUID()");
    assert_ne!(a, b);
    let text = a.ok().and_then(|v| v.as_str().map(str::to_string));
    assert_eq!(text.as_deref().map(str::len), Some(36));
    fails_invalid("States.UUID(1)", json!({}), "States.UUID");
}

// ---------------------------------------------------------------------------------------------
// Paths and resolver errors
// ---------------------------------------------------------------------------------------------

#[test]
fn paths_are_passed_verbatim_and_errors_propagate() {
    use std::cell::RefCell;
    let seen = RefCell::new(Vec::new());
    let result = evaluate(
        "States.Array($, $.a.b, $$.Execution.Id, $$.Map.Item.Value, $var, $var.f[0], $.x['y z'], $.l[?(@.n == 'a, b')])",
        &|path| {
            seen.borrow_mut().push(path.to_string());
            Ok(json!(path))
        },
    );
    let expected = [
        "$",
        "$.a.b",
        "$$.Execution.Id",
        "$$.Map.Item.Value",
        "$var",
        "$var.f[0]",
        "$.x['y z']",
        "$.l[?(@.n == 'a, b')]",
    ];
    assert_eq!(seen.into_inner(), expected);
    assert_eq!(result, Ok(json!(expected)));

    let custom = IntrinsicError {
        error: "Custom.Error".to_string(),
        cause: "boom".to_string(),
    };
    let result = evaluate("States.Format('{}', States.ArrayLength($.x))", &|_| {
        Err(custom.clone())
    });
    assert_eq!(result, Err(custom));
}

#[test]
fn missing_argument_error_wording() {
    let input = json!({"other": 1});
    fails(
        "States.Format('{}', $.nope)",
        input.clone(),
        "The function 'States.Format('{}', $.nope)' had the following error: \
         The JsonPath argument for the field '$.nope' could not be found in the input '{\"other\":1}'",
    );
    fails(
        "States.Format('{}', States.Format('{}', $.nope))",
        input.clone(),
        "The function 'States.Format('{}', States.Format('{}', $.nope))' had the following \
         error: The JsonPath argument for the field '$.nope' could not be found in the input \
         '{\"other\":1}'",
    );
    fails(
        "States.Format('{}', $$.Nope.Deep)",
        input,
        "The function 'States.Format('{}', $$.Nope.Deep)' had the following error: \
         The JsonPath argument for the field '$.Nope.Deep' could not be found in the input \
         '{\"other\":1}'",
    );
    ok(
        "States.Format('{}', $.nul)",
        json!({"nul": null}),
        json!("null"),
    );
}

#[test]
fn arguments_evaluate_in_order_and_stop_at_first_error() {
    use std::cell::RefCell;
    let seen = RefCell::new(Vec::new());
    let result = evaluate("States.Array($.a, $.b, $.c)", &|path| {
        seen.borrow_mut().push(path.to_string());
        if path == "$.b" {
            Err(IntrinsicError::runtime("no b"))
        } else {
            Ok(json!(1))
        }
    });
    assert_eq!(result, Err(IntrinsicError::runtime("no b")));
    assert_eq!(seen.into_inner(), ["$.a", "$.b"]);
}

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

#[test]
fn parser_literals_and_whitespace() {
    ok(
        "  States.Array( 1 , -2.5 ,true,false , null,'a b' )  ",
        json!({}),
        json!([1, -2.5, true, false, null, "a b"]),
    );
    ok(
        "States.Array(1e3, -0, 0.5E-1)",
        json!({}),
        json!([1000.0, 0, 0.05]),
    );
    ok(
        "States.Array('', ' ', 'a,b', 'x)y', '$.notapath')",
        json!({}),
        json!(["", " ", "a,b", "x)y", "$.notapath"]),
    );
    ok(
        r"States.Array('it\'s', 'a\\b', '\{\}')",
        json!({}),
        json!(["it's", r"a\b", "{}"]),
    );
    ok(
        "States.Array('\"double\"')",
        json!({}),
        json!(["\"double\""]),
    );
    ok(
        "States.Array( States.Array( ), States.Array(States.Array(1)))",
        json!({}),
        json!([[], [[1]]]),
    );
    ok("States.Array\t(\n$.a\n)", json!({"a": 1}), json!([1]));
}

#[test]
fn parser_rejects_malformed_expressions() {
    let malformed = [
        "",
        "   ",
        "States.",
        "States.Array",
        "States.Array(",
        "States.Array(1",
        "States.Array(1,",
        "States.Array(1,)",
        "States.Array(,1)",
        "States.Array(1 2)",
        "States.Array(1))",
        "States.Array() extra",
        "States.Array('unterminated)",
        r"States.Array('bad \n escape')",
        r"States.Array('open escape \')",
        "States.Array(\"double\")",
        "States.Array(True)",
        "States.Array(nul)",
        "States.Array(truex)",
        "States.Array(1.2.3)",
        "States.Array(--1)",
        "States.Array(1abc)",
        "States.Array($.a[0)",
        "States.Array(Foo.Bar())",
        "Format('{}', 1)",
        "$.a",
        "States.Array(States.)",
        "States.NoSuchFunction(1)",
        "States.array(1)",
    ];
    for expression in malformed {
        let result = evaluate(expression, &|_| Ok(Value::Null));
        match result {
            Ok(v) => panic!("{expression:?} parsed and returned {v}"),
            Err(e) => {
                assert_eq!(e.error, "States.Runtime", "{expression:?}");
                assert!(!e.cause.is_empty(), "{expression:?}");
            }
        }
    }
}

#[test]
fn parser_survives_hostile_input() {
    let deep = format!("{}1{}", "States.Array(".repeat(10_000), ")".repeat(10_000));
    assert!(evaluate(&deep, &|_| Ok(Value::Null)).is_err());
    let nested_ok = format!("{}1{}", "States.Array(".repeat(10), ")".repeat(10));
    assert!(evaluate(&nested_ok, &|_| Ok(Value::Null)).is_ok());
    let strange = [
        "States.Array('\u{0}')",
        "States.Array(\u{feff})",
        "States.Array(😀)",
        "States.Array($[)",
        "States.Array($.a[?(@.b == 'x)])",
        "States.Format('{}', '{}')",
        "States.ArrayRange(-9223372036854775808, 9223372036854775807, 1)",
        "States.ArrayRange(1e308, -1e308, -1e300)",
        "States.ArrayPartition(States.Array(1), 1e400)",
        "States.MathAdd(1e308, 1e308)",
        "States.MathRandom(-1e300, 1e300)",
        "States.ArrayGetItem(States.Array(1), 18446744073709551616)",
    ];
    for expression in strange {
        let _ = evaluate(expression, &|_| Ok(Value::Null));
    }
}

#[test]
fn unknown_function_is_reported() {
    let e = evaluate("States.NoSuchFunction(1)", &|_| Ok(Value::Null));
    assert_eq!(
        e,
        Err(IntrinsicError::runtime(
            "The function 'States.NoSuchFunction(1)' had the following error: \
             Unsupported intrinsic function: States.NoSuchFunction"
        ))
    );
}

#[test]
fn java_double_rendering() {
    use super::render::java_double;
    let table = [
        (1.1, "1.1"),
        (3.0, "3.0"),
        (-0.0, "-0.0"),
        (0.0, "0.0"),
        (100.0, "100.0"),
        (1234567.0, "1234567.0"),
        (1.0e7, "1.0E7"),
        (12345678.9, "1.23456789E7"),
        (0.001, "0.001"),
        (0.0001, "1.0E-4"),
        (-2.5e-5, "-2.5E-5"),
        (1e21, "1.0E21"),
        (0.1 + 0.2, "0.30000000000000004"),
        (-44.51, "-44.51"),
    ];
    for (value, expected) in table {
        assert_eq!(java_double(value), expected, "{value}");
    }
}
