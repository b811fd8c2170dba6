//! The command line speaks Chinese: its help (headings, flags, defaults, choices) and its usage
//! errors, which name the argument or value at fault and exit 2.

use std::process::{Command, Output};

fn nianbao(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nianbao")).args(args).output().unwrap()
}

#[test]
fn help_is_chinese_throughout() {
    for args in [
        &["--help"][..],
        &["check", "--help"],
        &["merge", "--help"],
        &["template", "--help"],
    ] {
        let out = nianbao(args);
        assert!(out.status.success(), "{args:?}");
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(help.contains("用法：nianbao"), "{help}");
        assert!(help.contains("-h, --help") && help.contains("显示帮助"), "{help}");
        for english in [
            "Usage:",
            "Options:",
            "Arguments:",
            "Commands:",
            "Print help",
            "[default:",
            "Possible values",
        ] {
            assert!(!help.contains(english), "{args:?} says {english:?}:\n{help}");
        }
    }
    let merge = String::from_utf8(nianbao(&["merge", "--help"]).stdout).unwrap();
    assert!(
        merge.contains("用法：nianbao merge [选项] --output <输出文件> <文件或文件夹>..."),
        "{merge}"
    );
    let check = String::from_utf8(nianbao(&["check", "--help"]).stdout).unwrap();
    assert!(check.contains("可选：text（便于阅读的文字）、json"), "{check}");
    assert!(
        check.contains("单个输入文件的大小上限（MiB，1 MiB = 1048576 字节）。默认：100"),
        "{check}"
    );
}

#[test]
fn usage_errors_name_what_is_wrong() {
    let cases: [(&[&str], &str); 8] = [
        (&["check", "--bogus"], "错误：无法识别的参数：--bogus。"),
        (
            &["check", "--format", "xml", "x.xlsx"],
            "错误：参数值无效：--format <格式>，值“xml”（可选：text、json）。",
        ),
        (&["merge", "x"], "错误：缺少必需的参数：--output <输出文件>。"),
        (&["frob"], "：frob。"),
        // Our own reason for a value, clap's ranges in Chinese, its suggestions kept.
        (
            &["template", "--format", "2020", "-o", "x.xlsx"],
            "值“2020”：格式应为 2019 或 2021，而不是“2020”。",
        ),
        (
            &["template", "--year", "1999", "-o", "x.xlsx"],
            "值“1999”：应在 2000 到 2100 之间。",
        ),
        (
            &["merge", "x", "-o", "y.xlsx", "--yaer", "2024"],
            "无法识别的参数：--yaer。是不是 --year？",
        ),
        (&["chek", "x"], "：chek。是不是 check？"),
    ];
    for (args, want) in cases {
        let out = nianbao(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.starts_with(want) || err.contains(want), "{args:?}: {err}");
        assert!(
            err.ends_with("用 nianbao --help 或 nianbao <子命令> --help 查看用法\n"),
            "{err}"
        );
    }
}
