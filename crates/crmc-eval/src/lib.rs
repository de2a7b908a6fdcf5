pub fn placeholder_eval() {}
