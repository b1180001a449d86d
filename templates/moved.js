// An old folder's page: go on to the page that now holds what it held, keeping the link's selection
// (?target=vso) and place (#...); without scripts the meta refresh still sends the reader on.
location.replace(document.querySelector("link[rel=canonical]").href + location.search + location.hash);
