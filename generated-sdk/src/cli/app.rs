//! Arguments, configuration and exit statuses of `wxpay`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command};

use super::Generated;
use super::failure::{Exit, Failure};
use crate::Error;
use crate::runtime::{
    ApiV3Key, Client, KeyRing, VerifyingKey, WechatPayPublicKey, open_notification,
};
use crate::schema::{Operation, Schema, Shape};

/// Runs `wxpay` with the process's arguments and returns its exit status; `generated` is
/// `crate::api::cli::GENERATED`.
pub fn main(generated: &Generated) -> ExitCode {
    let schema = match crate::schema::load() {
        Ok(schema) => schema,
        Err(error) => {
            eprintln!("wxpay: {error}");
            return ExitCode::from(Exit::Local as u8);
        }
    };
    let matches = match command(schema).try_get_matches() {
        Ok(matches) => matches,
        Err(error) if !error.use_stderr() => {
            // --help and --version go to stdout with status 0.
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            // One line: the message and what it lists (a missing argument's name), not the
            // usage and help hints clap adds after it.
            let rendered = error.render().to_string();
            let message: Vec<&str> = rendered
                .lines()
                .map(str::trim)
                .take_while(|line| !line.starts_with("Usage:"))
                .filter(|line| !line.is_empty())
                .collect();
            let message = message.join(" ");
            eprintln!("wxpay: {}", message.trim_start_matches("error: "));
            return ExitCode::from(Exit::Local as u8);
        }
    };
    match run(schema, generated, &matches) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("wxpay: {}", failure.message.replace('\n', " "));
            ExitCode::from(failure.exit as u8)
        }
    }
}

fn command(schema: &'static Schema) -> Command {
    Command::new("wxpay")
        .about("Call WeChat Pay APIv3 operations, generated from the spec")
        .after_help("`wxpay list` prints every operation; `wxpay call <SERVICE> --help` those of one service.")
        .subcommand_required(true)
        .args(config_args())
        .subcommand(
            Command::new("list").about("One line per operation: service, id, method, path, title"),
        )
        .subcommand(
            Command::new("call")
                .about("Send one operation: wxpay call <SERVICE> <OPERATION> [REQUEST]; REQUEST is a JSON object of its path, query and body fields")
                .subcommand_required(true)
                .subcommands(service_commands(schema)),
        )
        .subcommand(
            Command::new("notify")
                .about("Verify and decrypt a captured notification; print {\"envelope\", \"resource\"}")
                .arg(file_arg("headers", "A file of `Name: value` header lines"))
                .arg(file_arg("body", "The raw body as received")),
        )
        .subcommand(
            Command::new("sandbox")
                .about("Serve a local WeChat Pay driven by the spec; print the settings a client needs")
                .arg(
                    Arg::new("port")
                        .long("port")
                        .value_name("PORT")
                        .value_parser(clap::value_parser!(u16))
                        .default_value("0")
                        .help("The port on 127.0.0.1 (0: any free port)"),
                )
                .arg(
                    Arg::new("keys-dir")
                        .long("keys-dir")
                        .value_name("DIR")
                        .help("Where to write the sandbox's key files (default: a new folder in the temp dir)"),
                ),
        )
}

fn file_arg(name: &'static str, help: &'static str) -> Arg {
    Arg::new(name)
        .long(name)
        .value_name("FILE")
        .required(true)
        .help(help)
}

fn config_args() -> Vec<Arg> {
    let flag = |name: &'static str, env: &'static str, help: &'static str| {
        Arg::new(name)
            .long(name)
            .env(env)
            .global(true)
            .action(ArgAction::Set)
            .help(help)
    };
    vec![
        flag("mchid", "WECHATPAY_MCHID", "Merchant id (商户号)"),
        flag(
            "serial-no",
            "WECHATPAY_SERIAL_NO",
            "Merchant API certificate serial number",
        ),
        flag(
            "private-key",
            "WECHATPAY_PRIVATE_KEY",
            "Path to the merchant private key PEM",
        ),
        flag(
            "public-key",
            "WECHATPAY_PUBLIC_KEY",
            "Path to the WeChat Pay public key PEM",
        ),
        flag(
            "public-key-id",
            "WECHATPAY_PUBLIC_KEY_ID",
            "The WeChat Pay public key id (PUB_KEY_ID_…)",
        ),
        flag(
            "base-url",
            "WECHATPAY_BASE_URL",
            "Replaces the operation's main host",
        ),
        flag(
            "backup-base-url",
            "WECHATPAY_BACKUP_BASE_URL",
            "Replaces the backup host",
        ),
        flag(
            "api-v3-key-file",
            "WECHATPAY_API_V3_KEY_FILE",
            "Path to a file holding the APIv3 key",
        ),
        Arg::new("timeout")
            .long("timeout")
            .global(true)
            .value_parser(clap::value_parser!(u64))
            .help("Seconds one attempt may take"),
    ]
}

/// One subcommand per service, holding its operations: ids are unique within a service only.
fn service_commands(schema: &'static Schema) -> Vec<Command> {
    let mut services: Vec<Command> = Vec::new();
    let mut current: Option<(&str, Vec<&'static Operation>)> = None;
    // `operations()` is sorted by service, so each service's operations arrive together.
    for operation in schema.operations() {
        match &mut current {
            Some((service, operations)) if *service == operation.info.service => {
                operations.push(operation);
            }
            _ => {
                if let Some((service, operations)) = current.take() {
                    services.push(service_command(service, &operations));
                }
                current = Some((operation.info.service, vec![operation]));
            }
        }
    }
    if let Some((service, operations)) = current {
        services.push(service_command(service, &operations));
    }
    services
}

fn service_command(service: &'static str, operations: &[&'static Operation]) -> Command {
    let listing: Vec<String> = operations
        .iter()
        .map(|operation| format!("  {:<40} {}", operation.info.id, operation.title))
        .collect();
    Command::new(service)
        .about(format!(
            "The {} operations of `{service}`",
            operations.len()
        ))
        .subcommand_required(true)
        .after_help(format!("Operations:\n{}", listing.join("\n")))
        .subcommands(
            operations
                .iter()
                .map(|operation| operation_command(operation)),
        )
}

fn operation_command(operation: &'static Operation) -> Command {
    let mut fields = vec![
        format!("{} {}", operation.info.method.as_str(), operation.info.path),
        String::new(),
    ];
    fields.push("Fields (name, type, required, max length, location: meaning):".to_owned());
    for field in &operation.fields {
        fields.push(field_line(
            &field.name,
            &field.shape,
            field.required,
            field.max_length,
            field.location.as_str(),
            &field.description,
            2,
        ));
        describe_nested(&field.shape, 4, &mut fields);
    }
    let command = Command::new(operation.info.id)
        .about(operation.title.clone())
        .long_about(format!("{}\n\n{}", operation.title, fields.join("\n")))
        .arg(
            Arg::new("request")
                .value_name("REQUEST")
                .help("JSON, @file, or - (stdin; also when omitted)"),
        );
    let command = match operation.upload {
        Some(rules) => command.arg(
            Arg::new("file")
                .long("file")
                .value_name("PATH")
                .required(true)
                .help(upload_help(rules)),
        ),
        None => command,
    };
    if announced_download(operation) {
        command.arg(
            Arg::new("sha1")
                .long("sha1")
                .value_name("HASH")
                .required(true)
                .help("the file's SHA-1 as the answer that gave its URL announced it (hash_value); WeChat Pay does not sign the file's answer"),
        )
    } else {
        command
    }
}

/// `--file`'s help: what the upload accepts.
fn upload_help(rules: &crate::runtime::UploadRules) -> String {
    let mut help = format!(
        "The file to upload (sent as the `{}` part; its digest goes into the signed `{}`)",
        rules.file_part, rules.meta_part
    );
    if !rules.types.is_empty() {
        let extensions: Vec<&str> = rules
            .types
            .iter()
            .map(|(extension, _)| *extension)
            .collect();
        help.push_str(&format!("; types: {}", extensions.join(", ")));
    }
    if let Some(max) = rules.max_bytes {
        help.push_str(&format!("; at most {max} bytes"));
    }
    help
}

fn field_line(
    name: &str,
    shape: &Shape,
    required: bool,
    max: Option<u32>,
    location: &str,
    meaning: &str,
    indent: usize,
) -> String {
    let max = max.map(|max| format!(", max {max}")).unwrap_or_default();
    let required = if required { "required" } else { "optional" };
    format!(
        "{:indent$}{name}: {shape}, {required}{max}, {}: {meaning}",
        "",
        location.to_lowercase()
    )
}

fn describe_nested(shape: &Shape, indent: usize, lines: &mut Vec<String>) {
    match shape {
        Shape::Object(fields) => {
            for field in fields.iter() {
                lines.push(field_line(
                    &field.name,
                    &field.shape,
                    field.required,
                    field.max_length,
                    "body",
                    &field.description,
                    indent,
                ));
                describe_nested(&field.shape, indent + 2, lines);
            }
        }
        Shape::Array(items) => describe_nested(items, indent, lines),
        _ => {}
    }
}

fn run(schema: &Schema, generated: &Generated, matches: &ArgMatches) -> Result<(), Failure> {
    match matches.subcommand() {
        Some(("list", _)) => {
            for operation in schema.operations() {
                println!(
                    "{}\t{}\t{}\t{}\t{}",
                    operation.info.service,
                    operation.info.id,
                    operation.info.method.as_str(),
                    operation.info.path,
                    operation.title
                );
            }
            Ok(())
        }
        Some(("call", call_matches)) => {
            let Some((service, service_matches)) = call_matches.subcommand() else {
                return Err(Failure::local(
                    "name an operation: wxpay call <SERVICE> <OPERATION>",
                ));
            };
            let Some((id, operation_matches)) = service_matches.subcommand() else {
                return Err(Failure::local(format!(
                    "name an operation of {service}: wxpay call {service} <OPERATION>"
                )));
            };
            let operation = schema
                .operation(service, id)
                .ok_or_else(|| Failure::local(format!("unknown operation {service} {id}")))?;
            call_operation(generated, matches, operation, operation_matches)
        }
        Some(("notify", notify_matches)) => notify(matches, notify_matches),
        Some(("sandbox", sandbox_matches)) => super::sandbox::serve(sandbox_matches),
        _ => Err(Failure::local("unknown command; see wxpay --help")),
    }
}

fn call_operation(
    generated: &Generated,
    matches: &ArgMatches,
    operation: &Operation,
    operation_matches: &ArgMatches,
) -> Result<(), Failure> {
    let text = read_request(
        operation_matches
            .get_one::<String>("request")
            .map(String::as_str),
    )?;
    let request: serde_json::Value = serde_json::from_str(&text)
        .map_err(|error| Failure::local(format!("the request is not JSON: {error}")))?;
    crate::schema::check(&operation.fields, &request).map_err(|violation| {
        Failure::from(Error::Validation(crate::runtime::ValidationError {
            field: violation.field,
            rule: violation.issue,
        }))
    })?;
    // Only an upload's command has `--file` (clap requires it there).
    let path = match operation.upload {
        Some(_) => operation_matches.get_one::<String>("file"),
        None => None,
    };
    let file = match path {
        Some(path) => Some(crate::runtime::UploadFile::read(path).map_err(|error| {
            Failure::local(format!("cannot read the file to upload {path}: {error}"))
        })?),
        None => None,
    };
    // Only an announced download's command has `--sha1` (clap requires it there).
    let expected_sha1 = if announced_download(operation) {
        operation_matches.get_one::<String>("sha1").cloned()
    } else {
        None
    };
    let client = client(matches, generated)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| Failure::local(format!("cannot start the async runtime: {error}")))?;
    let info = operation.info;
    let input = crate::cli::Input {
        request,
        file,
        expected_sha1,
    };
    let response = runtime.block_on((generated.call)(&client, info.service, info.id, input))?;
    if let Some(response) = response {
        let text = serde_json::to_string_pretty(&response)
            .map_err(|error| Failure::local(format!("cannot print the response: {error}")))?;
        println!("{text}");
    }
    Ok(())
}

/// Whether the operation downloads a file whose SHA-1 an earlier answer announced (its answer
/// is unsigned, so the tool needs the digest to check the file).
fn announced_download(operation: &Operation) -> bool {
    operation
        .response
        .download
        .as_ref()
        .is_some_and(|download| download.digest_header.is_none())
}

fn read_request(argument: Option<&str>) -> Result<String, Failure> {
    match argument {
        None | Some("-") => {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|error| {
                    Failure::local(format!("cannot read the request from stdin: {error}"))
                })?;
            Ok(text)
        }
        Some(argument) => match argument.strip_prefix('@') {
            Some(path) => read_text(Path::new(path), "request"),
            None => Ok(argument.to_owned()),
        },
    }
}

fn read_text(path: &Path, what: &str) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|error| {
        Failure::local(format!(
            "cannot read the {what} file {}: {error}",
            path.display()
        ))
    })
}

fn setting<'a>(matches: &'a ArgMatches, name: &str) -> Option<&'a str> {
    matches.get_one::<String>(name).map(String::as_str)
}

fn required<'a>(matches: &'a ArgMatches, name: &str, env: &str) -> Result<&'a str, Failure> {
    setting(matches, name).ok_or_else(|| Failure::local(format!("missing --{name} (or {env})")))
}

fn api_v3_key(matches: &ArgMatches) -> Result<Option<Vec<u8>>, Failure> {
    match setting(matches, "api-v3-key-file") {
        Some(path) => Ok(Some(
            read_text(Path::new(path), "APIv3 key")?
                .trim_end()
                .as_bytes()
                .to_vec(),
        )),
        None => Ok(None),
    }
}

fn client(matches: &ArgMatches, generated: &Generated) -> Result<Client, Failure> {
    let mut builder = Client::builder()
        .mchid(required(matches, "mchid", "WECHATPAY_MCHID")?)
        .serial_no(required(matches, "serial-no", "WECHATPAY_SERIAL_NO")?)
        .merchant_key_file(PathBuf::from(required(
            matches,
            "private-key",
            "WECHATPAY_PRIVATE_KEY",
        )?));
    match setting(matches, "public-key") {
        Some(path) => {
            let id = required(matches, "public-key-id", "WECHATPAY_PUBLIC_KEY_ID")?;
            builder = builder.wechatpay_public_key_file(id, PathBuf::from(path));
        }
        // Without a public key the tool verifies with downloaded platform certificates.
        None => {
            let source = generated.certificate_sources.first().ok_or_else(|| {
                Failure::local(
                    "no WeChat Pay public key given (--public-key) and no service with a certificate download compiled in",
                )
            })?;
            builder = builder.platform_certificates(source);
        }
    }
    if let Some(key) = api_v3_key(matches)? {
        builder = builder.api_v3_key(key);
    }
    if let Some(url) = setting(matches, "base-url") {
        builder = builder.main_base_url(url);
    }
    if let Some(url) = setting(matches, "backup-base-url") {
        builder = builder.backup_base_url(url);
    }
    if let Some(seconds) = matches.get_one::<u64>("timeout") {
        builder = builder.timeout(Duration::from_secs(*seconds));
    }
    Ok(builder.user_agent_suffix("wxpay-cli").build()?)
}

fn notify(matches: &ArgMatches, notify_matches: &ArgMatches) -> Result<(), Failure> {
    let headers_path = required(notify_matches, "headers", "")?;
    let body_path = required(notify_matches, "body", "")?;
    let headers: Vec<(String, String)> = read_text(Path::new(headers_path), "headers")?
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    let body = std::fs::read(body_path).map_err(|error| {
        Failure::local(format!("cannot read the body file {body_path}: {error}"))
    })?;
    let id = required(matches, "public-key-id", "WECHATPAY_PUBLIC_KEY_ID")?;
    let key = WechatPayPublicKey::from_pem_file(
        id,
        required(matches, "public-key", "WECHATPAY_PUBLIC_KEY")?,
    )?;
    let keys = KeyRing::new();
    keys.insert(VerifyingKey::from(&key));
    let api_v3_key = match api_v3_key(matches)? {
        Some(bytes) => ApiV3Key::new(&bytes)?,
        None => {
            return Err(Failure::local(
                "missing --api-v3-key-file (or WECHATPAY_API_V3_KEY_FILE)",
            ));
        }
    };
    let now = chrono::Utc::now().timestamp();
    let (envelope, _, plaintext) =
        open_notification(&keys, Some(&api_v3_key), now, headers.as_slice(), &body)?;
    let resource: serde_json::Value = serde_json::from_slice(&plaintext).map_err(|error| {
        Failure::from(Error::Decryption {
            reason: format!("the resource is not JSON: {error}"),
        })
    })?;
    let output = serde_json::json!({ "envelope": envelope, "resource": resource });
    let text =
        serde_json::to_string_pretty(&output).map_err(|error| Failure::local(error.to_string()))?;
    println!("{text}");
    Ok(())
}
