/// Typed models of the hosted pages: each names its template and carries exactly what the
/// template shows. Mustache escapes every value for HTML; only the stylesheets go in raw
/// (ours, and branding CSS that SetUICustomization refuses to let contain `<`).
protocol HostedPage: Sendable {
    static var template: String { get }
    var brand: Brand { get }
}

/// Every page type, for the start-up check that each has its template.
let allPageTypes: [any HostedPage.Type] = [
    LoginPage.self, SignUpPage.self, ConfirmPage.self, ForgotPasswordPage.self, ResetPasswordPage.self,
    NewPasswordPage.self, MessagePage.self, ErrorPage.self, MFACodePage.self, MFASelectPage.self, MFASetupPage.self,
]

/// The pool's name and the branding of the pool or client.
struct Brand: Sendable {
    var poolName: String
    var baseCSS = Stylesheet.base
    var customCSS: String?
    var logoURL: String?
}

/// An input of the sign-up and new-password forms.
struct FormField: Sendable {
    var id: String
    var name: String
    var label: String
    var type: String
    var value: String
    var required: Bool
    var autocomplete: String?
    var hint: String?
}

struct LoginPage: HostedPage {
    static let template = "login"
    var brand: Brand
    var action: String
    var csrf: String
    var username = ""
    /// Mustache treats an empty string as true, so the focus goes by this flag instead.
    var hasUsername = false
    var usernameLabel: String
    var usernameType: String
    var error: String?
    var notice: String?
    var forgotURL: String
    var signupURL: String?
}

struct SignUpPage: HostedPage {
    static let template = "signup"
    var brand: Brand
    var action: String
    var csrf: String
    var fields: [FormField]
    var error: String?
    var notice: String?
    var loginURL: String
}

struct ConfirmPage: HostedPage {
    static let template = "confirm"
    var brand: Brand
    var action: String
    var csrf: String
    var username: String
    var ticket: String?
    var destination: String?
    var error: String?
    var notice: String?
    var loginURL: String
}

struct ForgotPasswordPage: HostedPage {
    static let template = "forgot-password"
    var brand: Brand
    var action: String
    var csrf: String
    var username = ""
    var usernameLabel: String
    var usernameLabelLower: String
    var usernameType: String
    var error: String?
    var notice: String?
    var loginURL: String
}

struct ResetPasswordPage: HostedPage {
    static let template = "reset-password"
    var brand: Brand
    var action: String
    var csrf: String
    var username: String
    var destination: String?
    var passwordHint: String
    var error: String?
    var notice: String?
    var loginURL: String
}

struct NewPasswordPage: HostedPage {
    static let template = "new-password"
    var brand: Brand
    var action: String
    var csrf: String
    var session: String
    var username: String
    /// The attributes the form asks for, comma-separated, so the answer knows which to read.
    var required: String
    var fields: [FormField]
    var error: String?
    var notice: String?
}

struct MessagePage: HostedPage {
    static let template = "message"
    var brand: Brand
    var heading: String
    var text: String
    var linkURL: String?
    var linkText: String?
}

struct ErrorPage: HostedPage {
    static let template = "error"
    var brand: Brand
    var heading: String
    var text: String
    var code: String?
    var linkURL: String?
    var linkText: String?
}

/// The code of a second factor: SMS_MFA, EMAIL_OTP or SOFTWARE_TOKEN_MFA.
struct MFACodePage: HostedPage {
    static let template = "mfa-code"
    var brand: Brand
    var action: String
    var csrf: String
    var challenge: String
    var session: String
    var username: String
    var heading: String
    var text: String
    var codeLength: Int
    var error: String?
    var notice: String?
    var loginURL: String
}

/// SELECT_MFA_TYPE: the factors the user may choose from.
struct MFASelectPage: HostedPage {
    static let template = "mfa-select"
    var brand: Brand
    var action: String
    var csrf: String
    var session: String
    var username: String
    /// MFAS_CAN_CHOOSE, carried by the form so a refusal can show the choice again.
    var choices: String
    var options: [Option]
    var error: String?
    var loginURL: String

    struct Option: Sendable {
        var value: String
        var label: String
        var checked: Bool
    }
}

/// MFA_SETUP: a new software token's secret, as a QR code (inline SVG) and as text.
struct MFASetupPage: HostedPage {
    static let template = "mfa-setup"
    var brand: Brand
    var action: String
    var csrf: String
    var session: String
    var username: String
    var secret: String
    /// The secret in groups of four, easier to type.
    var secretGroups: String
    var uri: String
    /// Made here (QRCode), so it goes into the page unescaped.
    var qrSVG: String
    var error: String?
    var loginURL: String
}
