//! Turns a `zip_parts` input (a crash artifact) into the whole file it stands for, to keep as a
//! regression: `cargo run --bin assemble -- artifacts/zip_parts/crash-… ../fixtures/regressions/name`
//! (the file name ending is added).

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, input, output] = args.as_slice() else {
        eprintln!("用法：assemble <zip_parts 输入> <输出文件（不含扩展名）>");
        std::process::exit(2);
    };
    let data = std::fs::read(input).unwrap_or_else(|e| {
        eprintln!("无法读取“{input}”：{e}");
        std::process::exit(1);
    });
    let Some((file, extension)) = nianbao_fuzz::assemble(&data) else {
        eprintln!("“{input}”不是有效的 zip_parts 输入");
        std::process::exit(1);
    };
    let path = format!("{output}.{extension}");
    std::fs::write(&path, file).unwrap_or_else(|e| {
        eprintln!("无法写入“{path}”：{e}");
        std::process::exit(1);
    });
    println!("{path}");
}
