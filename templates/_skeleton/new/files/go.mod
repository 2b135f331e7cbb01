module {{module_path}}

go {{go_version}}
