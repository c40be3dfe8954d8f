//! Paged list operations: a `<op>_pages` method next to the single-page call, returning a pager
//! that walks every item and always ends: on an empty or short page, at the announced total, or
//! with an error after a bounded number of pages.

use proc_macro2::TokenStream;
use quote::quote;

use super::doc::doc_attrs;
use super::types::{ident, rust_type};
use crate::ir::{Field, Operation, Paging};

/// A list that never ends is a server fault; this many pages is far beyond any real list.
const MAX_PAGES: u32 = 100_000;

/// `<op>_pages`, a method of the client facade.
pub fn pages_method(op: &Operation) -> TokenStream {
    let Some(paging) = &op.paging else {
        return TokenStream::new();
    };
    let name = ident(&format!("{}_pages", op.method_name.trim_end_matches('_')));
    let pager = ident(&paging.pager);
    let request = ident(&op.request.name);
    let doc = doc_attrs(&format!(
        "Every item of [`Self::{}`], fetched page by page: `{}` starts at 0 unless set, `{}` is the \
         documented maximum {} unless set.",
        op.method_name, paging.offset.wire_name, paging.limit.wire_name, paging.max_limit
    ));
    let max = i64::from(paging.max_limit);
    let set_defaults = [(&paging.offset, 0), (&paging.limit, max)].map(|(field, default)| {
        let field_name = ident(&field.rust_name);
        if field.required {
            TokenStream::new()
        } else {
            quote!(request.#field_name = request.#field_name.or(Some(#default));)
        }
    });
    // Defaults are written only into optional fields; with none, the copy is never changed.
    let clone = if paging.offset.required && paging.limit.required {
        quote!(let request = request.clone();)
    } else {
        quote!(let mut request = request.clone();)
    };
    quote! {
        #doc
        pub fn #name(&self, request: &#request) -> #pager<'_, 'a, T> {
            #clone
            #(#set_defaults)*
            #pager {
                client: self,
                request,
                items: std::collections::VecDeque::new(),
                finished: false,
                pages: 0,
            }
        }
    }
}

/// The pager struct and its methods.
pub fn pager(client: &str, op: &Operation) -> TokenStream {
    let Some(paging) = &op.paging else {
        return TokenStream::new();
    };
    let pager = ident(&paging.pager);
    let client = ident(client);
    let request = ident(&op.request.name);
    let item = rust_type(&paging.item_type);
    let method = ident(&op.method_name);
    let fetch = fetch_body(&method, paging);
    let doc = doc_attrs(&format!("The items of `{}`, page by page.", op.method_name));
    quote! {
        #doc
        pub struct #pager<'c, 'a, T> {
            client: &'c #client<'a, T>,
            request: #request,
            items: std::collections::VecDeque<#item>,
            finished: bool,
            pages: u32,
        }

        impl<T: Transport> #pager<'_, '_, T> {
            /// The next item, fetching the next page when this one is used up; `None` after the last.
            pub async fn next(&mut self) -> Option<Result<#item, Error>> {
                loop {
                    if let Some(item) = self.items.pop_front() {
                        return Some(Ok(item));
                    }
                    if self.finished {
                        return None;
                    }
                    if let Err(error) = self.fetch().await {
                        self.finished = true;
                        return Some(Err(error));
                    }
                }
            }

            /// Every remaining item.
            pub async fn collect(mut self) -> Result<Vec<#item>, Error> {
                let mut all = Vec::new();
                while let Some(item) = self.next().await {
                    all.push(item?);
                }
                Ok(all)
            }

            #fetch
        }
    }
}

fn get(field: &Field, owner: TokenStream, default: TokenStream) -> TokenStream {
    let name = ident(&field.rust_name);
    if field.required {
        quote!(#owner.#name)
    } else {
        quote!(#owner.#name.unwrap_or(#default))
    }
}

fn fetch_body(method: &proc_macro2::Ident, paging: &Paging) -> TokenStream {
    let offset_name = ident(&paging.offset.rust_name);
    let offset = get(&paging.offset, quote!(self.request), quote!(0));
    let limit = get(&paging.limit, quote!(self.request), quote!(i64::MAX));
    let set_offset = if paging.offset.required {
        quote!(self.request.#offset_name = offset;)
    } else {
        quote!(self.request.#offset_name = Some(offset);)
    };
    let items_name = ident(&paging.items.rust_name);
    let items = if paging.items.required {
        quote!(page.#items_name)
    } else {
        quote!(page.#items_name.unwrap_or_default())
    };
    let past_total = match &paging.total {
        Some(total) => {
            let total_name = ident(&total.rust_name);
            if total.required {
                quote!(offset >= page.#total_name)
            } else {
                quote!(page.#total_name.is_some_and(|total| offset >= total))
            }
        }
        None => quote!(false),
    };
    let max_pages = MAX_PAGES;
    let limit_reason = format!("paging did not end after {MAX_PAGES} pages");
    quote! {
        async fn fetch(&mut self) -> Result<(), Error> {
            let page = self.client.#method(&self.request).await?;
            let items = #items;
            let count = i64::try_from(items.len()).unwrap_or(i64::MAX);
            let offset = #offset.saturating_add(count);
            #set_offset
            self.pages += 1;
            // The offset only grows, and an empty or short page ends the walk.
            self.finished = count == 0 || count < #limit || #past_total;
            if !self.finished && self.pages >= #max_pages {
                return Err(Error::Decode {
                    status: 200,
                    request_id: None,
                    reason: #limit_reason.to_owned(),
                    body: Vec::new(),
                });
            }
            self.items.extend(items);
            Ok(())
        }
    }
}
