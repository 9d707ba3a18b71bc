plugins { application }
java { toolchain { languageVersion = JavaLanguageVersion.of(17) } }
application { mainClass = "demo.Main" }
