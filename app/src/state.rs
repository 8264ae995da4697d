//! The session as pages see it: the signed-in user and the actions that
//! change who that is. Provided once by [`crate::App`].

use leptos::prelude::*;

use crate::dto::CurrentUser;
use crate::error::AppError;
use crate::session::{fetch_current_user, SignIn, SignOut, SignUp};

/// Who is signed in, refetched whenever a session action completes.
#[derive(Clone, Copy)]
pub struct Session {
    pub user: Resource<Result<Option<CurrentUser>, AppError>>,
    pub sign_in: ServerAction<SignIn>,
    pub sign_up: ServerAction<SignUp>,
    pub sign_out: ServerAction<SignOut>,
}

impl Session {
    /// Creates the session state and puts it in context.
    pub fn provide() {
        let sign_in = ServerAction::<SignIn>::new();
        let sign_up = ServerAction::<SignUp>::new();
        let sign_out = ServerAction::<SignOut>::new();
        let user = Resource::new(
            move || (sign_in.version().get(), sign_up.version().get(), sign_out.version().get()),
            |_| fetch_current_user(),
        );
        provide_context(Self { user, sign_in, sign_up, sign_out });
    }

    /// The session from context.
    pub fn get() -> Self {
        expect_context::<Self>()
    }
}
