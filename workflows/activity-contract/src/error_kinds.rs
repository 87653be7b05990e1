//! `error_kinds!`: an error's kinds as an enum, so the list of names is the enum itself.

/// One error kind of an `error_kinds!` enum, for code generic over the enums (a step's name
/// list: [`kind_names`]).
pub trait ErrorKind: Copy + 'static {
    fn name(self) -> &'static str;
    fn retryable(self) -> bool;
}

/// The [`ErrorName`](crate::ErrorName)s of `kinds` (the ones one step can return).
pub fn kind_names<K: ErrorKind>(kinds: &[K]) -> Vec<crate::ErrorName> {
    kinds
        .iter()
        .map(|kind| crate::ErrorName {
            name: kind.name(),
            retryable: kind.retryable(),
        })
        .collect()
}

/// Declares a `Copy` enum of error kinds, each with its stable name and whether a `Retry`
/// should cover it, plus `ALL`, `name()`, `retryable()` and `error_names()`. An error type
/// maps each value to its kind in one `match`, so the compiler keeps the name list complete.
///
/// ```
/// activity_contract::error_kinds! {
///     /// Why a lookup failed.
///     pub enum LookupErrorKind {
///         NotFound => "Lookup.NotFound", retryable = false;
///         Unavailable => "Lookup.Unavailable", retryable = true;
///     }
/// }
/// assert_eq!(LookupErrorKind::ALL.len(), 2);
/// assert_eq!(LookupErrorKind::Unavailable.name(), "Lookup.Unavailable");
/// assert!(LookupErrorKind::Unavailable.retryable());
/// ```
#[macro_export]
macro_rules! error_kinds {
    (
        $(#[$meta:meta])*
        $vis:vis enum $kind:ident {
            $( $(#[$variant_meta:meta])* $variant:ident => $name:literal, retryable = $retryable:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $kind {
            $( $(#[$variant_meta])* $variant, )+
        }

        impl $kind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [$kind] = &[$($kind::$variant,)+];

            /// The stable error name `Retry`/`Catch` match.
            pub const fn name(self) -> &'static str {
                match self {
                    $( $kind::$variant => $name, )+
                }
            }

            /// Whether a `Retry` should cover this name.
            pub const fn retryable(self) -> bool {
                match self {
                    $( $kind::$variant => $retryable, )+
                }
            }

            /// Every kind as an [`ErrorName`]($crate::ErrorName).
            pub fn error_names() -> ::std::vec::Vec<$crate::ErrorName> {
                $crate::kind_names(Self::ALL)
            }
        }

        impl $crate::ErrorKind for $kind {
            fn name(self) -> &'static str {
                $kind::name(self)
            }

            fn retryable(self) -> bool {
                $kind::retryable(self)
            }
        }
    };
}
