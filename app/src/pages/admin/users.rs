//! `/admin/users`: every user with role, state and monitor count; change
//! the role, disable or enable, delete.

use kinds::Role;
use leptos::prelude::*;
use leptos_meta::Title;

use super::AdminNav;
use crate::components::{toast_results, AdminOnly, ConfirmButton, ErrorBox, Loading};
use crate::dto::AdminUser;
use crate::rpc::admin::{load_admin_users, DeleteUser, UpdateUser};

/// The user console.
#[component]
pub fn AdminUsers() -> impl IntoView {
    let update = ServerAction::<UpdateUser>::new();
    let delete = ServerAction::<DeleteUser>::new();
    let users = Resource::new(
        move || (update.version().get(), delete.version().get()),
        |_| load_admin_users(),
    );
    toast_results(update.value(), |u: &AdminUser| {
        let state = if u.disabled { "disabled" } else { "enabled" };
        Some(format!("{} is now {} ({state})", u.email, u.role))
    });
    toast_results(delete.value(), |()| Some("User deleted".to_owned()));
    view! {
        <Title text="Users"/>
        <AdminOnly>
            <AdminNav/>
            <h1>"Users"</h1>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match users.await {
                        Ok(list) => view! { <UserTable list update delete/> }.into_any(),
                        Err(error) => view! { <ErrorBox error/> }.into_any(),
                    }
                })}
            </Transition>
        </AdminOnly>
    }
}

#[component]
fn UserTable(
    list: Vec<AdminUser>,
    update: ServerAction<UpdateUser>,
    delete: ServerAction<DeleteUser>,
) -> impl IntoView {
    view! {
        <table class="users responsive">
            <thead>
                <tr>
                    <th scope="col">"Email"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col">"State"</th>
                    <th scope="col">"Monitors"</th>
                    <th scope="col">"Joined"</th>
                    <th scope="col">"Actions"</th>
                </tr>
            </thead>
            <tbody>
                {list.into_iter().map(|user| view! { <UserLine user update delete/> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn UserLine(
    user: AdminUser,
    update: ServerAction<UpdateUser>,
    delete: ServerAction<DeleteUser>,
) -> impl IntoView {
    let (id, email) = (user.id.clone(), user.email.clone());
    let admin = user.role == Role::Admin;
    let change_role = {
        let id = id.clone();
        move |_| {
            let role = if admin { "USER" } else { "ADMIN" };
            update.dispatch(UpdateUser {
                id: id.clone(),
                role: role.into(),
                disabled: String::new(),
            });
        }
    };
    let toggle_disabled = {
        let id = id.clone();
        let disabled = user.disabled;
        move |_| {
            update.dispatch(UpdateUser {
                id: id.clone(),
                role: String::new(),
                disabled: (!disabled).to_string(),
            });
        }
    };
    let on_delete = {
        let id = id.clone();
        Callback::new(move |()| {
            delete.dispatch(DeleteUser { id: id.clone() });
        })
    };
    view! {
        <tr data-testid="user-row" data-email=email.clone()>
            <td data-label="Email">{email.clone()}</td>
            <td data-label="Role" data-testid="user-role">{user.role.as_str()}</td>
            <td data-label="State">
                {if user.disabled { view! { <span class="pill pill-open">"Disabled"</span> }.into_any() }
                 else { view! { <span class="pill">"Active"</span> }.into_any() }}
            </td>
            <td data-label="Monitors">{user.monitor_count}</td>
            <td data-label="Joined"><time datetime=user.created.iso>{user.created.text}</time></td>
            <td data-label="Actions" class="actions">
                <button type="button" class="secondary" on:click=change_role
                    aria-label=format!("{} {email}", if admin { "Make user:" } else { "Make admin:" })>
                    {if admin { "Make user" } else { "Make admin" }}
                </button>
                <button type="button" class="secondary" on:click=toggle_disabled>
                    {if user.disabled { "Enable" } else { "Disable" }}
                </button>
                <ConfirmButton label="Delete" question=format!("Delete {email} and all their monitors?")
                    confirm="Yes, delete" on_confirm=on_delete pending=delete.pending()/>
            </td>
        </tr>
    }
}
